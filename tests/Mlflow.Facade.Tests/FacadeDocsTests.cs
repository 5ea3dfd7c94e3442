using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Mlflow.Facade.Tests;

/// <summary>
/// Every facade method (MlflowClient and its sub-clients) has a summary and a doc for each parameter that says more than
/// the field's name (the generated placeholder "The x field." must not appear), from spec/facade/docs.facade.json.
/// </summary>
public sealed partial class FacadeDocsTests
{
    [GeneratedRegex(@"^The [a-z0-9_$.]+ (field|query parameter|path parameter|header)\.$")]
    private static partial Regex Placeholder();

    [Fact]
    public void Facade_methods_and_parameters_are_documented()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Mlflow.Client.xml");
        Assert.True(File.Exists(path), "no " + path);
        var clients = MlflowClientFacadeCatalog.Methods.Select(m => m.Client).Distinct().ToHashSet();
        var members = XDocument.Load(path).Descendants("member")
            .Where(m => ((string)m.Attribute("name")!).StartsWith("M:Mlflow.", StringComparison.Ordinal))
            .Where(m => clients.Any(c => ((string)m.Attribute("name")!).StartsWith("M:Mlflow." + c + ".", StringComparison.Ordinal)))
            .Where(m => ((string)m.Attribute("name")!).Contains("Async(", StringComparison.Ordinal))
            .ToList();
        Assert.True(members.Count >= MlflowClientFacadeCatalog.Methods.Count, $"{members.Count} documented methods for {MlflowClientFacadeCatalog.Methods.Count} facade methods");
        var problems = new List<string>();
        foreach (var member in members)
        {
            var name = (string)member.Attribute("name")!;
            if (string.IsNullOrWhiteSpace((string?)member.Element("summary"))) problems.Add(name + ": no summary");
            foreach (var param in member.Elements("param"))
            {
                var text = string.Join(" ", param.DescendantNodes().OfType<XText>().Select(t => t.Value)).Trim();
                if (text.Length == 0 || Placeholder().IsMatch(text)) problems.Add(name + " " + (string?)param.Attribute("name") + ": '" + text + "'");
            }
        }

        Assert.True(problems.Count == 0, problems.Count + " undocumented:\n" + string.Join("\n", problems.Take(40)));
    }
}
