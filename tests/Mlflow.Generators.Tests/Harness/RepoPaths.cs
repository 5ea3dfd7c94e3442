namespace Mlflow.Generators.Tests.Harness;

/// <summary>Files of the repository, found from the test output folder.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Spec => Path.Combine(Root, "spec", "mlflow.openapi.json");

    public static string TestProject => Path.Combine(Root, "tests", "Mlflow.Generators.Tests");

    public static string SmallSpec(string name) => Path.Combine(AppContext.BaseDirectory, "Specs", name);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Directory.Build.props")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root (Directory.Build.props) not found above " + AppContext.BaseDirectory);
    }
}
