namespace Mlflow.Generators.Tests;

/// <summary>Locates files of the repository from the test's output folder.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Spec => Path.Combine(Root, "spec", "mlflow.openapi.json");

    public static string WireCorpus => Path.Combine(Root, "tests", "data", "mlflow-wire");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Directory.Build.props")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("the repository root (Directory.Build.props) was not found above " + AppContext.BaseDirectory);
    }
}
