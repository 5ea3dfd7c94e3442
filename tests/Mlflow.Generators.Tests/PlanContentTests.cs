using System.Collections;
using System.Reflection;
using Mlflow.Generators.Parser;
using Mlflow.Generators.Planning;
using Mlflow.Generators.Tests.Harness;

namespace Mlflow.Generators.Tests;

/// <summary>
/// Plans hold references (schema names, builder references, enums), never rendered C#: only the emitters write
/// <c>global::</c> names. Walks every value of the plans made from the repository's spec and facade description.
/// </summary>
public sealed class PlanContentTests
{
    [Fact]
    public void No_plan_of_the_repository_spec_holds_a_rendered_type_name()
    {
        var doc = OpenApiParser.Parse(RepoPaths.Spec, File.ReadAllText(RepoPaths.Spec));
        var client = KiotaPlanner.Plan(doc, MlflowClientGenerator.ClientClassName);
        var facadeFiles = Directory.GetFiles(Path.Combine(RepoPaths.Root, "spec", "facade"), "*.facade.json")
            .Select(f => FacadeDescriptionParser.Parse(f, File.ReadAllText(f), CancellationToken.None))
            .OrderBy(f => f.Clients.Count == 0 ? 1 : 0);
        var facade = FacadePlanner.Plan(doc, client, FacadeDescriptionParser.Merge(facadeFiles), "Mlflow.MlflowClient");
        var union = UnionPlanner.Plan(doc);
        var examples = ExamplePlanner.Plan(doc, client);
        Assert.NotNull(facade);
        Assert.NotNull(union);

        var strings = new List<(string Path, string Value)>();
        Walk(client, "ClientPlan", strings, new HashSet<object>(ReferenceEqualityComparer.Instance));
        Walk(facade, "FacadePlan", strings, new HashSet<object>(ReferenceEqualityComparer.Instance));
        Walk(union, "UnionPlan", strings, new HashSet<object>(ReferenceEqualityComparer.Instance));
        Walk(examples, "Examples", strings, new HashSet<object>(ReferenceEqualityComparer.Instance));

        Assert.True(strings.Count > 10_000, $"walked only {strings.Count} strings");
        var rendered = strings.Where(s => s.Value.Contains("global::", StringComparison.Ordinal)).Take(5).ToList();
        Assert.True(rendered.Count == 0, "rendered C# in plans: " + string.Join("; ", rendered.Select(r => r.Path + " = " + r.Value)));

        // Type references name schemas of the spec.
        var schemaNames = doc.Schemas.Items.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var schemaRefs = strings.Where(s => s.Path.EndsWith(".Schema", StringComparison.Ordinal) || s.Path.EndsWith(".ModelSchema", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(schemaRefs);
        Assert.All(schemaRefs, s => Assert.Contains(s.Value, schemaNames));
    }

    private static void Walk(object? value, string path, List<(string, string)> strings, HashSet<object> seen)
    {
        switch (value)
        {
            case null:
                return;
            case string s:
                strings.Add((path, s));
                return;
            case Enum or bool or int or long or double:
                return;
        }

        var type = value.GetType();
        if (!type.IsValueType && !seen.Add(value))
        {
            return;
        }

        if (value is IEnumerable items)
        {
            var i = 0;
            foreach (var item in items)
            {
                Walk(item, path + "[" + i++ + "]", strings, seen);
            }

            return;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.Name == "EqualityContract")
            {
                continue;
            }

            Walk(property.GetValue(value), path + "." + property.Name, strings, seen);
        }
    }
}
