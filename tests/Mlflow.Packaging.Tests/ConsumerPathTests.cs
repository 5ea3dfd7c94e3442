using System.Text.RegularExpressions;
using System.Xml.Linq;
using Mlflow.Testing;
using Mlflow.TestSupport;

namespace Mlflow.Packaging.Tests;

/// <summary>
/// The consumer path (issue 17, items 3 and 5): a console app that knows the SDK only as packages restores them from
/// the packed folder (a generated nuget.config: that folder for Mlflow.*, the machine's normal sources for the rest;
/// no project reference), builds with warnings as errors and runs against the embedded server; and
/// samples/TrimmedClient, published trimmed on the same packages, has no trim warning and runs.
/// </summary>
[Collection(PackagesCollection.Name)]
public sealed class ConsumerPathTests(PackedPackages packed)
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(10);

    [Fact]
    public void A_console_app_restores_the_packed_packages_builds_without_warnings_and_runs_against_the_embedded_server()
    {
        var app = NewApp("Consumer", packed.Packages.Select(p => (p.Id, p.Version)), """
            // Uses only API meant to outlive the facade rewrite: options, CreateExperimentAsync, the Kiota-level builders.
            using Mlflow;
            using Mlflow.Testing;

            await using var server = new MlflowTestServer();
            var uri = await server.StartAsync();
            using var mlflow = new MlflowClient(new MlflowClientOptions { TrackingUri = uri.ToString() });
            var name = "consumer-" + Guid.NewGuid().ToString("N")[..8];
            var id = await mlflow.CreateExperimentAsync(name);
            var read = await mlflow.Api.Api.V20.Mlflow.Experiments.Get.GetAsync(r => r.QueryParameters.ExperimentId = id);
            Console.WriteLine($"consumer: experiment {id} is {(read?.Experiment?.Name == name ? "there" : "missing")}");
            return read?.Experiment?.Name == name ? 0 : 1;
            """, extraProperties: "");

        var build = Dotnet.Run(app, Long, "build", "-c", "Release", "-nologo", "-v:q", "-clp:Summary", "-warnaserror").AssertSuccess("dotnet build of the consumer app");
        Assert.Matches(new Regex(@"\b0 Warning\(s\)"), build.Output);
        AssertRestoredFromThePackedFolder(app);

        var run = Dotnet.Run(app, Long, Path.Combine("bin", "Release", "net10.0", "Consumer.dll")).AssertSuccess("the consumer app");
        Assert.Matches(new Regex(@"consumer: experiment \S+ is there"), run.Output);
    }

    [Fact]
    public async Task The_trimmed_sample_publishes_on_the_packages_without_a_warning_and_runs()
    {
        var sample = Path.Combine(TestPaths.RepoRoot, "samples", "TrimmedClient");
        var references = XDocument.Load(Path.Combine(sample, "TrimmedClient.csproj")).Descendants().Where(e => e.Name.LocalName == "ProjectReference")
            .Select(e => Path.GetFileNameWithoutExtension((string)e.Attribute("Include")!))
            .Select(id => (id, packed[id].Version));
        // The sample's own publish settings (PublishTrimmed, IsAotCompatible, EventSourceSupport, ...), and a RID.
        var settings = XDocument.Load(Path.Combine(sample, "TrimmedClient.csproj")).Descendants().Where(e => e.Name.LocalName == "PropertyGroup")
            .SelectMany(g => g.Elements()).Where(e => e.Name.LocalName is not ("OutputType" or "TargetFramework" or "IsPackable" or "RootNamespace"))
            .Select(e => $"    <{e.Name.LocalName}>{e.Value}</{e.Name.LocalName}>");
        Assert.Contains(settings, line => line.Contains("<PublishTrimmed>true</PublishTrimmed>", StringComparison.Ordinal));
        var app = NewApp("TrimmedClient", references, File.ReadAllText(Path.Combine(sample, "Program.cs")),
            extraProperties: string.Join("\n", settings.Append("    <RuntimeIdentifier>linux-x64</RuntimeIdentifier>")));

        var publish = Dotnet.Run(app, Long, "publish", "-c", "Release", "-nologo", "-v:q", "-clp:Summary", "-warnaserror", "-o", "published").AssertSuccess("the trimmed publish");
        Assert.Matches(new Regex(@"\b0 Warning\(s\)"), publish.Output);
        Assert.DoesNotContain("warning", publish.Output.Replace("0 Warning(s)", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        AssertRestoredFromThePackedFolder(app);

        await using var server = new MlflowTestServer();
        var uri = await server.StartAsync();
        var run = Dotnet.RunProgram(Path.Combine(app, "published", "TrimmedClient"), app, Long,
            new Dictionary<string, string> { ["MLFLOW_TRACKING_URI"] = uri.ToString() }).AssertSuccess("the trimmed sample");
        Assert.Contains("experiment trimmed-", run.Output);
        Assert.Contains("missing experiment RESOURCE_DOES_NOT_EXIST", run.Output);
        Assert.Contains("webhook True ModelVersionCreated", run.Output);
        Assert.Matches(new Regex(@"deployments \d{3} Deployment\w*Exception"), run.Output);
    }

    /// <summary>
    /// A project folder outside the repository (so no Directory.Build.props or central versions apply) with a
    /// nuget.config that takes Mlflow.* only from the packed folder and everything else from the machine's sources,
    /// and a package cache of its own (the machine's is a read-only fallback) so a rebuilt package is never stale.
    /// </summary>
    private string NewApp(string name, IEnumerable<(string Id, string Version)> packages, string program, string extraProperties)
    {
        var folder = Path.Combine(packed.Root, name);
        Directory.CreateDirectory(folder);
        var sources = MachineSources();
        var machineCache = Dotnet.Run(folder, TimeSpan.FromMinutes(1), "nuget", "locals", "global-packages", "--list")
            .AssertSuccess("dotnet nuget locals").Output.Split(':', 2)[1].Trim();
        var config = new XElement("configuration",
            new XElement("config", new XElement("add", new XAttribute("key", "globalPackagesFolder"), new XAttribute("value", Path.Combine(folder, ".packages")))),
            new XElement("fallbackPackageFolders", new XElement("add", new XAttribute("key", "machine"), new XAttribute("value", machineCache))),
            new XElement("packageSources", new XElement("clear"),
                new XElement("add", new XAttribute("key", "packed"), new XAttribute("value", packed.Folder)),
                sources.Select((s, i) => new XElement("add", new XAttribute("key", $"source{i}"), new XAttribute("value", s)))),
            new XElement("packageSourceMapping",
                new XElement("packageSource", new XAttribute("key", "packed"), new XElement("package", new XAttribute("pattern", "Mlflow.*"))),
                sources.Select((_, i) => new XElement("packageSource", new XAttribute("key", $"source{i}"), new XElement("package", new XAttribute("pattern", "*"))))));
        new XDocument(config).Save(Path.Combine(folder, "nuget.config"));

        var references = string.Join("\n", packages.Select(p => $"    <PackageReference Include=\"{p.Id}\" Version=\"{p.Version}\" />"));
        File.WriteAllText(Path.Combine(folder, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <!-- The local NuGet mirror sometimes serves a nearby version of a dependency (as in the repository). -->
                <WarningsNotAsErrors>NU1603</WarningsNotAsErrors>
            {extraProperties}
              </PropertyGroup>
              <ItemGroup>
            {references}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(folder, "Program.cs"), program);
        return folder;
    }

    /// <summary>The package sources this machine restores from (its normal ones), without the packed folder.</summary>
    private static IReadOnlyList<string> MachineSources()
    {
        var listed = Dotnet.Run(Path.GetTempPath(), TimeSpan.FromMinutes(1), "nuget", "list", "source", "--format", "Short").AssertSuccess("dotnet nuget list source");
        var sources = listed.Output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.StartsWith('E'))
            .Select(l => l[1..].Trim())
            .Where(s => s.Length > 0)
            .ToArray();
        Assert.NotEmpty(sources);
        return sources;
    }

    /// <summary>Every Mlflow.* package the app restored is the packed one (same bytes), none came from elsewhere.</summary>
    private void AssertRestoredFromThePackedFolder(string app)
    {
        var restored = Directory.EnumerateFiles(Path.Combine(app, ".packages"), "*.nupkg", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f).StartsWith("mlflow.", StringComparison.OrdinalIgnoreCase))
            .ToArray();
        Assert.NotEmpty(restored);
        foreach (var file in restored)
        {
            var original = packed.Packages.Single(p => Path.GetFileName(p.Path).Equals(Path.GetFileName(file), StringComparison.OrdinalIgnoreCase));
            Assert.Equal(File.ReadAllBytes(original.Path), File.ReadAllBytes(file));
        }
    }
}
