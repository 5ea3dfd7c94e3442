using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Mlflow.Generators.Tests.Harness;

/// <summary>Runs the real generator on a spec text in an in-memory compilation (warnings are errors, nullable on).</summary>
internal static class GeneratorHarness
{
    public const string SpecPath = "/repo/spec/test.openapi.json";

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        // The test host's platform assemblies plus the Kiota packages this project references.
        _ = typeof(Microsoft.Kiota.Serialization.Json.JsonParseNode);
        _ = typeof(Microsoft.Kiota.Serialization.Text.TextParseNode);
        _ = typeof(Microsoft.Kiota.Serialization.Form.FormParseNode);
        _ = typeof(Microsoft.Kiota.Serialization.Multipart.MultipartSerializationWriter);
        _ = typeof(Microsoft.Kiota.Http.HttpClientLibrary.HttpClientRequestAdapter);
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return paths
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray();
    });

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest);

    /// <summary>
    /// The client runtime the generated code calls (Mlflow.Client's Runtime/Serialization and Runtime/Operations,
    /// copied next to the tests by the project file), parsed once and compiled into every generated compilation.
    /// </summary>
    public static ImmutableArray<SyntaxTree> RuntimeTrees { get; } = Directory
        .GetFiles(Path.Combine(AppContext.BaseDirectory, "GeneratedRuntime"), "*.cs", SearchOption.AllDirectories)
        .Order(StringComparer.Ordinal)
        .Select(p => CSharpSyntaxTree.ParseText(File.ReadAllText(p), ParseOptions, path: p))
        // Mlflow.Client compiles with the SDK's implicit usings; so do its sources here.
        .Append(CSharpSyntaxTree.ParseText("global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;", ParseOptions, path: "ImplicitUsings.cs"))
        .ToImmutableArray();

    public static CSharpCompilation NewCompilation(params string[] sources) =>
        CSharpCompilation.Create(
            "Generated" + Guid.NewGuid().ToString("N"),
            RuntimeTrees.Concat(sources.Select(s => CSharpSyntaxTree.ParseText(s, ParseOptions))),
            References.Value,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                generalDiagnosticOption: ReportDiagnostic.Error));

    public static GeneratorDriver NewDriver(params AdditionalText[] texts) =>
        CSharpGeneratorDriver.Create(
            new[] { new MlflowClientGenerator().AsSourceGenerator() },
            texts,
            ParseOptions,
            optionsProvider: null,
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Generates from <paramref name="specText"/>, compiles everything and returns files and diagnostics.</summary>
    public static Result Run(string specText, params string[] extraSources)
    {
        var compilation = NewCompilation(extraSources.Prepend("namespace Consumer { internal static class Placeholder { } }").ToArray());
        var driver = NewDriver(new InMemoryText(SpecPath, specText)).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var files = driver.GetRunResult().Results.SelectMany(r => r.GeneratedSources).ToDictionary(s => s.HintName, s => s.SourceText.ToString());
        var compileDiagnostics = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning && !d.Id.StartsWith("MLFG", StringComparison.Ordinal)).ToList();
        return new Result(files, generatorDiagnostics.ToList(), compileDiagnostics, output);
    }

    /// <summary>Runs a spec from Specs/.</summary>
    public static Result RunSmall(string name, params string[] extraSources) => Run(File.ReadAllText(RepoPaths.SmallSpec(name)), extraSources);

    internal sealed record Result(
        IReadOnlyDictionary<string, string> Files,
        IReadOnlyList<Diagnostic> GeneratorDiagnostics,
        IReadOnlyList<Diagnostic> CompileDiagnostics,
        Compilation Output)
    {
        public IEnumerable<Diagnostic> Errors => GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);

        public void AssertCleanCompile()
        {
            Assert.True(!Errors.Any(), "generator errors:\n" + string.Join("\n", Errors));
            Assert.True(CompileDiagnostics.Count == 0, "compiler diagnostics:\n" + string.Join("\n", CompileDiagnostics.Take(30)));
        }

        public string File(string hintName)
        {
            Assert.True(Files.ContainsKey(hintName), "no generated file " + hintName + "; files:\n" + string.Join("\n", Files.Keys.Order()));
            return Files[hintName];
        }

        /// <summary>Emits and loads the compiled client (for behaviour tests).</summary>
        public Assembly Load()
        {
            AssertCleanCompile();
            using var pe = new MemoryStream();
            var emit = Output.Emit(pe);
            Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
            return Assembly.Load(pe.ToArray());
        }
    }

    internal sealed class InMemoryText(string path, string text) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }
}
