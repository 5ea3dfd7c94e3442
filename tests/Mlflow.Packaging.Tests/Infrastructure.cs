using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;
using System.Text;
using System.Xml.Linq;
using Mlflow.TestSupport;

namespace Mlflow.Packaging.Tests;

/// <summary>A finished process: exit code and everything it printed.</summary>
public sealed record ProcessResult(int ExitCode, string Output)
{
    public ProcessResult AssertSuccess(string what)
    {
        Assert.True(ExitCode == 0, $"{what} exited with {ExitCode}:\n{Output}");
        return this;
    }
}

public static class Dotnet
{
    /// <summary>The build configuration of this test assembly (the packages are packed from the same one).</summary>
    public static string Configuration { get; } =
        typeof(Dotnet).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    /// <summary>Runs <c>dotnet</c> with the arguments in <paramref name="directory"/> and returns what it printed.</summary>
    public static ProcessResult Run(string directory, TimeSpan timeout, params string[] arguments) =>
        RunProgram("dotnet", directory, timeout, null, arguments);

    public static ProcessResult RunProgram(string fileName, string directory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // A child build must not inherit the test host's MSBuild and test-run settings.
        foreach (var name in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "VSTEST_HOST_DEBUG", "DOTNET_HOST_PATH" })
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {timeout}:\n{output}");
        }

        process.WaitForExit();
        lock (output) return new ProcessResult(process.ExitCode, output.ToString());
    }
}

/// <summary>One packed package: its nuspec and its files.</summary>
public sealed class PackedPackage
{
    private PackedPackage(string path, string? symbolsPath)
    {
        Path = path;
        SymbolsPath = symbolsPath;
        using var zip = ZipFile.OpenRead(path);
        Files = zip.Entries.Select(e => e.FullName).ToArray();
        var nuspecEntry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/'));
        using var stream = nuspecEntry.Open();
        Nuspec = XDocument.Load(stream);
    }

    public string Path { get; }
    public string? SymbolsPath { get; }
    public IReadOnlyList<string> Files { get; }
    public XDocument Nuspec { get; }

    public string Id => Metadata("id")!;
    public string Version => Metadata("version")!;

    public string? Metadata(string name) => Nuspec.Root!.Elements().First(e => e.Name.LocalName == "metadata")
        .Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

    public XElement? MetadataElement(string name) => Nuspec.Root!.Elements().First(e => e.Name.LocalName == "metadata")
        .Elements().FirstOrDefault(e => e.Name.LocalName == name);

    /// <summary>The ids of the package's dependencies (all target framework groups).</summary>
    public IReadOnlyList<string> DependencyIds =>
        Nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!).Distinct().Order(StringComparer.Ordinal).ToArray();

    public byte[] Read(string entry, bool symbols = false)
    {
        using var zip = ZipFile.OpenRead(symbols ? SymbolsPath! : Path);
        using var stream = zip.GetEntry(entry)!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public IReadOnlyList<string> SymbolFiles
    {
        get
        {
            if (SymbolsPath is null) return [];
            using var zip = ZipFile.OpenRead(SymbolsPath);
            return zip.Entries.Select(e => e.FullName).ToArray();
        }
    }

    public static PackedPackage Open(string path)
    {
        var symbols = System.IO.Path.ChangeExtension(path, ".snupkg");
        return new PackedPackage(path, File.Exists(symbols) ? symbols : null);
    }
}

/// <summary>
/// Packs every shipped project once per test run, into a temporary folder, the way the Cake Pack target does
/// (<c>eng/Packages.proj</c>, from the build output already there).
/// </summary>
public sealed class PackedPackages : IDisposable
{
    public PackedPackages()
    {
        Root = Directory.CreateTempSubdirectory("mlflow-packaging-").FullName;
        Folder = System.IO.Path.Combine(Root, "packages");
        var result = Dotnet.Run(TestPaths.RepoRoot, TimeSpan.FromMinutes(10),
            "msbuild", System.IO.Path.Combine(TestPaths.RepoRoot, "eng", "Packages.proj"), "-nologo", "-v:m",
            $"-p:Configuration={Dotnet.Configuration}", $"-p:PackageOutputPath={Folder}/");
        PackOutput = result.AssertSuccess("packing eng/Packages.proj").Output;
        Packages = Directory.EnumerateFiles(Folder, "*.nupkg").Order(StringComparer.Ordinal).Select(PackedPackage.Open).ToArray();
    }

    /// <summary>A temporary folder for this run (deleted at the end).</summary>
    public string Root { get; }

    /// <summary>The folder the packages were packed into.</summary>
    public string Folder { get; }

    public string PackOutput { get; }

    public IReadOnlyList<PackedPackage> Packages { get; }

    public PackedPackage this[string id] => Packages.Single(p => p.Id == id);

    /// <summary>The shipped projects: every src/**/*.csproj not marked IsPackable=false, with its package id.</summary>
    public static IReadOnlyList<(string Project, string PackageId)> ShippedProjects()
    {
        var src = System.IO.Path.Combine(TestPaths.RepoRoot, "src");
        return Directory.EnumerateFiles(src, "*.csproj", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{System.IO.Path.DirectorySeparatorChar}obj{System.IO.Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !p.Contains($"{System.IO.Path.DirectorySeparatorChar}bin{System.IO.Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(p => (Project: p, Xml: XDocument.Load(p)))
            .Where(p => !p.Xml.Descendants().Any(e => e.Name.LocalName == "IsPackable" && e.Value.Trim().Equals("false", StringComparison.OrdinalIgnoreCase)))
            .Select(p => (p.Project, p.Xml.Descendants().FirstOrDefault(e => e.Name.LocalName == "PackageId")?.Value.Trim()
                                     ?? System.IO.Path.GetFileNameWithoutExtension(p.Project)))
            .OrderBy(p => p.Item2, StringComparer.Ordinal)
            .ToArray();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PackagesCollection : ICollectionFixture<PackedPackages>
{
    public const string Name = "packed packages";
}
