namespace Mlflow.Generators.Tests.Harness;

/// <summary>
/// Compares emitted text with the checked-in files under Expected/. Run with UPDATE_SNAPSHOTS=1 to rewrite them
/// (then review the diff); a mismatch leaves the actual text beside the expected file as *.received.
/// </summary>
internal static class Snapshot
{
    public static void Match(string actual, string folder, string hintName)
    {
        var dir = Path.Combine(RepoPaths.TestProject, "Expected", folder);
        var file = Path.Combine(dir, hintName.Replace(".g.cs", ".cs.txt", StringComparison.Ordinal));
        actual = actual.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(dir);
            File.WriteAllText(file, actual);
            return;
        }

        Assert.True(File.Exists(file), "missing snapshot " + file + " (run once with UPDATE_SNAPSHOTS=1 and review it)");
        var expected = File.ReadAllText(file).Replace("\r\n", "\n", StringComparison.Ordinal);
        if (expected != actual)
        {
            File.WriteAllText(file + ".received", actual);
        }

        Assert.Equal(expected, actual);
    }
}
