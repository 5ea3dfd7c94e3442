namespace Mlflow.TestSupport;

/// <summary>Locations of the test data (copied next to the test assembly) and of the repository.</summary>
public static class TestPaths
{
    /// <summary>Folder holding the copies of the catalog and the wire corpus.</summary>
    public static string Data => Path.Combine(AppContext.BaseDirectory, "data");

    /// <summary>The recorded wire corpus.</summary>
    public static string WireCorpus => Path.Combine(Data, "mlflow-wire");

    /// <summary>The spec as the build reads it.</summary>
    public static string Spec => Path.Combine(AppContext.BaseDirectory, "spec", "mlflow.openapi.json");

    /// <summary>The repository root (found by walking up to Generated.sln).</summary>
    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Generated.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Generated.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
