using System.Text.Json;

namespace Mlflow.Wire.Tests;

/// <summary>One recorded exchange of tests/data/mlflow-wire (see its README.md).</summary>
public sealed record Exchange(string Id, string Area, string Name, string Method, string PathTemplate, int Status, string Server, string File, JsonElement Request, JsonElement Response)
{
    public override string ToString() => Id + " " + Name + " (" + Method + " " + PathTemplate + " -> " + Status + ")";
}

/// <summary>Loads the recorded corpus.</summary>
public static class WireCorpus
{
    private static readonly Lazy<IReadOnlyList<Exchange>> Loaded = new(Load);

    public static string Root { get; } = FindRoot();

    public static IReadOnlyList<Exchange> All => Loaded.Value;

    /// <summary>xUnit data: every exchange id.</summary>
    public static IEnumerable<object[]> Ids => All.Select(e => new object[] { e.Id });

    public static Exchange Get(string id) => All.Single(e => e.Id == id);

    private static IReadOnlyList<Exchange> Load()
    {
        var list = new List<Exchange>();
        var lines = System.IO.File.ReadAllLines(Path.Combine(Root, "index.tsv"));
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var c = line.Split('\t');
            using var doc = JsonDocument.Parse(System.IO.File.ReadAllText(Path.Combine(Root, c[7])));
            var root = doc.RootElement;
            var name = root.GetProperty("name").GetString()!;
            list.Add(new Exchange(c[0], c[1], name, c[3], c[4], int.Parse(c[5], System.Globalization.CultureInfo.InvariantCulture), c[6], c[7], root.GetProperty("request").Clone(), root.GetProperty("response").Clone()));
        }

        return list;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !System.IO.File.Exists(Path.Combine(dir.FullName, "Directory.Build.props")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("repository root not found"), "tests", "data", "mlflow-wire");
    }
}
