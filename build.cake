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
    .Description("Re-derives spec/mlflow.openapi.json from the proto structure and the overlay (generators/Mlflow.SpecGen). " +
                 "--protos=<mlflow/protos folder> reads MLflow's .proto files instead (and rewrites spec/sources/mlflow-protos.json); " +
                 "--mlflow-version=X.Y.Z names the release they come from.")
    .Does(() =>
{
    var protoFolder = Argument("protos", "");
    var mlflowVersion = Argument("mlflow-version", "");
    if (!string.IsNullOrEmpty(protoFolder))
    {
        var extract = new ProcessArgumentBuilder()
            .Append("extract")
            .Append("--protos").AppendQuoted(protoFolder)
            .Append("--out").AppendQuoted("spec/sources/mlflow-protos.json");
        if (!string.IsNullOrEmpty(mlflowVersion)) extract.Append("--source").AppendQuoted("MLflow " + mlflowVersion + " protos");
        DotNetRun("./generators/Mlflow.SpecGen/Mlflow.SpecGen.csproj", extract, new DotNetRunSettings { Configuration = configuration });
    }
    var generate = new ProcessArgumentBuilder()
        .Append("generate")
        .Append("--protos").AppendQuoted("spec/sources/mlflow-protos.json")
        .Append("--catalog").AppendQuoted("spec/sources/mlflow-endpoints.tsv")
        .Append("--overlay").AppendQuoted("spec/sources/overlay")
        // The spec being replaced keeps first releases and tags of operations the catalog does not list.
        .Append("--previous").AppendQuoted("spec/mlflow.openapi.json")
        .Append("--out").AppendQuoted("spec/mlflow.openapi.json");
    if (!string.IsNullOrEmpty(mlflowVersion)) generate.Append("--mlflow-version").AppendQuoted(mlflowVersion);
    DotNetRun("./generators/Mlflow.SpecGen/Mlflow.SpecGen.csproj", generate, new DotNetRunSettings { Configuration = configuration });
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

Task("PublicApi")
    .Description("Rewrites each shipped project's PublicAPI.Unshipped.txt from what the public API analyzer reports (review the diff).")
    .IsDependentOn("Restore")
    .Does(() =>
{
    var projects = GetFiles("./src/**/*.csproj");
    foreach (var project in projects)
    {
        System.IO.File.WriteAllText(project.GetDirectory().CombineWithFilePath("PublicAPI.Unshipped.txt").FullPath, "#nullable enable\n");
        var shipped = project.GetDirectory().CombineWithFilePath("PublicAPI.Shipped.txt").FullPath;
        if (!System.IO.File.Exists(shipped)) System.IO.File.WriteAllText(shipped, "#nullable enable\n");
        var sarif = project.GetDirectory().Combine("obj").CombineWithFilePath("publicapi.sarif").FullPath;
        if (System.IO.File.Exists(sarif)) System.IO.File.Delete(sarif);
    }
    foreach (var project in projects)
    {
        DotNetBuild(project.FullPath, new DotNetBuildSettings
        {
            Configuration = configuration,
            NoRestore = true,
            MSBuildSettings = new DotNetMSBuildSettings().WithProperty("MlflowPublicApiRefresh", "true").WithProperty("TreatWarningsAsErrors", "false"),
        });
    }
    foreach (var project in projects)
    {
        var sarif = project.GetDirectory().Combine("obj").CombineWithFilePath("publicapi.sarif").FullPath;
        var names = new SortedSet<string>(StringComparer.Ordinal);
        using (var doc = System.Text.Json.JsonDocument.Parse(System.IO.File.ReadAllText(sarif)))
        {
            foreach (var run in doc.RootElement.GetProperty("runs").EnumerateArray())
            foreach (var result in run.GetProperty("results").EnumerateArray())
            {
                if (result.GetProperty("ruleId").GetString() != "RS0016") continue;
                names.Add(result.GetProperty("properties").GetProperty("customProperties").GetProperty("APIName").GetString()!);
            }
        }
        System.IO.File.WriteAllText(project.GetDirectory().CombineWithFilePath("PublicAPI.Unshipped.txt").FullPath, "#nullable enable\n" + string.Concat(names.Select(n => n + "\n")));
        Information($"{project.GetFilenameWithoutExtension()}: {names.Count} public API entries");
    }
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
