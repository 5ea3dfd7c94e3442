// Build script for the MLflow .NET SDK (Cake 7, restored with `dotnet tool restore`).
#nullable enable
// Targets: Clean, Restore, Generate, Build, Test (default), Pack.
using System.Xml.Linq;

var target = Argument("target", "Test");
var configuration = Argument("configuration", "Release");
var filter = Argument("filter", "");
var solution = "./Generated.sln";
var artifacts = Directory("./artifacts");
var testResults = artifacts + Directory("test-results");

Task("Clean")
    .Description("Removes build output and artifacts.")
    .Does(() =>
{
    CleanDirectories("./**/bin/" + configuration);
    CleanDirectories("./**/obj");
    CleanDirectory(artifacts);
});

Task("Restore")
    .Description("Restores NuGet packages for the whole solution.")
    .Does(() =>
{
    DotNetRestore(solution);
});

Task("Generate")
    .Description("Re-derives spec/mlflow.openapi.json from the proto structure and the overlay (generators/Mlflow.SpecGen).")
    .Does(() =>
{
    DotNetRun("./generators/Mlflow.SpecGen/Mlflow.SpecGen.csproj", new ProcessArgumentBuilder()
        .Append("generate")
        .Append("--protos").AppendQuoted("spec/sources/mlflow-protos.json")
        .Append("--catalog").AppendQuoted("spec/sources/mlflow-endpoints.tsv")
        .Append("--overlay").AppendQuoted("spec/sources/overlay")
        .Append("--out").AppendQuoted("spec/mlflow.openapi.json"),
        new DotNetRunSettings { Configuration = configuration });
});

Task("Build")
    .Description("Builds the solution (the source generator emits the client from the spec during this step).")
    .IsDependentOn("Restore")
    .Does(() =>
{
    DotNetBuild(solution, new DotNetBuildSettings { Configuration = configuration, NoRestore = true });
});

Task("Test")
    .Description("Runs every test project and prints one summary line `N passed, N failed`.")
    .IsDependentOn("Build")
    .Does(() =>
{
    CleanDirectory(testResults);
    var settings = new DotNetTestSettings
    {
        Configuration = configuration,
        NoBuild = true,
        NoRestore = true,
        ResultsDirectory = testResults,
        Loggers = new[] { "trx" },
    };
    if (!string.IsNullOrEmpty(filter)) settings.Filter = filter;
    Exception? failure = null;
    try { DotNetTest(solution, settings); }
    catch (Exception ex) { failure = ex; }

    long passed = 0, failed = 0, skipped = 0;
    foreach (var trx in GetFiles(testResults.Path.FullPath + "/**/*.trx"))
    {
        var counters = XDocument.Load(trx.FullPath).Descendants().FirstOrDefault(e => e.Name.LocalName == "Counters");
        if (counters is null) continue;
        long Read(string name) => long.TryParse((string?)counters.Attribute(name), out var v) ? v : 0;
        passed += Read("passed");
        failed += Read("failed") + Read("error") + Read("timeout") + Read("aborted");
        skipped += Read("notExecuted");
    }
    // Plain text on purpose (no console colours), so CI can read the line.
    Console.WriteLine($"{passed} passed, {failed} failed, {skipped} skipped");
    if (failure is not null) throw failure;
    if (passed == 0) throw new Exception("No test ran.");
});

Task("Pack")
    .Description("Packs every shipped package (src/**/*.csproj) and its .snupkg into artifacts/packages, through eng/Packages.proj: the same step tests/Mlflow.Packaging.Tests packs, restores and runs.")
    .IsDependentOn("Build")
    .Does(() =>
{
    var output = MakeAbsolute(artifacts + Directory("packages"));
    CleanDirectory(output);
    DotNetMSBuild("./eng/Packages.proj", new DotNetMSBuildSettings()
        .SetConfiguration(configuration)
        .WithProperty("PackageOutputPath", output.FullPath + "/")
        .WithTarget("Pack"));
});

RunTarget(target);
