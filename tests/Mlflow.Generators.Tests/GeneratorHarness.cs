using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Mlflow.Generators.Tests;

/// <summary>Runs the real generator on a spec text inside an in-memory compilation.</summary>
internal static class GeneratorHarness
{
    public const string SpecPath = "/repo/spec/test.openapi.json";

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return paths
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray();
    });

    public static string ReadTestSpec(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestSpecs", name));

    public static CSharpCompilation NewCompilation(params string[] sources) =>
        CSharpCompilation.Create(
            "GeneratedClient",
            sources.Select(s => CSharpSyntaxTree.ParseText(s, new CSharpParseOptions(LanguageVersion.Latest))),
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver NewDriver(string specText, string ns = "Test.Api", string client = "TestClient", string path = SpecPath) =>
        CSharpGeneratorDriver.Create(
            new[] { new MlflowClientGenerator().AsSourceGenerator() },
            new AdditionalText[] { new InMemoryText(path, specText) },
            new CSharpParseOptions(LanguageVersion.Latest),
            new Options(new Dictionary<string, string> { ["build_property.MlflowApiNamespace"] = ns, ["build_property.MlflowApiClientName"] = client }),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Generates, compiles, and returns the generated files plus every diagnostic (generator and compiler).</summary>
    public static Result Run(string specText, string ns = "Test.Api", string client = "TestClient")
    {
        var compilation = NewCompilation("namespace Consumer { internal static class Placeholder { } }");
        var driver = NewDriver(specText, ns, client).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var run = driver.GetRunResult();
        var files = run.Results.SelectMany(r => r.GeneratedSources).ToDictionary(s => s.HintName, s => s.SourceText.ToString());
        var compileDiagnostics = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        return new Result(files, generatorDiagnostics.ToList(), compileDiagnostics, output);
    }

    internal sealed record Result(
        IReadOnlyDictionary<string, string> Files,
        IReadOnlyList<Diagnostic> GeneratorDiagnostics,
        IReadOnlyList<Diagnostic> CompileDiagnostics,
        Compilation Output)
    {
        public void AssertCleanCompile()
        {
            Assert.True(GeneratorDiagnostics.Count == 0, "generator diagnostics:\n" + string.Join("\n", GeneratorDiagnostics));
            Assert.True(CompileDiagnostics.Count == 0, "compiler diagnostics:\n" + string.Join("\n", CompileDiagnostics.Take(30)));
        }
    }

    internal sealed class InMemoryText(string path, string text) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }

    private sealed class Options(Dictionary<string, string> global) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Values(global);

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Values(new());

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => new Values(new());

        private sealed class Values(Dictionary<string, string> values) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);
        }
    }
}

/// <summary>Compares emitted text with the checked-in files under Snapshots/. Set UPDATE_SNAPSHOTS=1 to rewrite them.</summary>
internal static class Snapshot
{
    public static void Match(string actual, string name, [CallerFilePath] string caller = "")
    {
        var dir = Path.Combine(Path.GetDirectoryName(caller)!, "Snapshots");
        var file = Path.Combine(dir, name + ".txt");
        actual = actual.Replace("\r\n", "\n");
        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(dir);
            File.WriteAllText(file, actual);
            return;
        }

        Assert.True(File.Exists(file), "missing snapshot " + file + " (run the tests once with UPDATE_SNAPSHOTS=1 and review the file)");
        var expected = File.ReadAllText(file).Replace("\r\n", "\n");
        if (expected != actual)
        {
            File.WriteAllText(file + ".received", actual);
        }

        Assert.Equal(expected, actual);
    }
}
