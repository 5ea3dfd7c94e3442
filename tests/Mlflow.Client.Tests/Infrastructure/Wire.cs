using System.Text.Json;

namespace Mlflow.Client.Tests.Infrastructure;

/// <summary>Access to the recorded wire corpus under tests/data/mlflow-wire.</summary>
public static class Wire
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "data", "mlflow-wire");
            if (File.Exists(Path.Combine(candidate, "index.tsv"))) return candidate;
        }

        throw new DirectoryNotFoundException("tests/data/mlflow-wire not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Rows of index.tsv: id, area, operation, method, path_template, status, server, file.</summary>
    public static IEnumerable<string[]> Index() =>
        File.ReadLines(Path.Combine(Root, "index.tsv")).Skip(1).Where(l => l.Length > 0).Select(l => l.Split('\t'));

    public static JsonDocument Load(string relativeFile) => JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, relativeFile)));
}
