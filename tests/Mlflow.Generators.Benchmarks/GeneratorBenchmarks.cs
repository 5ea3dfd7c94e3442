using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Mlflow.Generators.Benchmarks;

/// <summary>
/// The generator on the full spec: a cold run (parse, plan, emit every file) and an incremental rerun after an
/// unrelated source edit (every step cached). Only the generator runs; the output is not compiled.
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private CSharpCompilation _compilation = null!;
    private CSharpCompilation _edited = null!;
    private AdditionalText _spec = null!;
    private GeneratorDriver _warm = null!;

    [GlobalSetup]
    public void Setup()
    {
        _spec = new SpecFile(Paths.Spec, File.ReadAllText(Paths.Spec));
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        _compilation = CSharpCompilation.Create(
            "Bench",
            new[] { CSharpSyntaxTree.ParseText("namespace Consumer { public class A { } }", options) },
            new[] { MetadataReference.CreateFromFile(typeof(object).Assembly.Location) },
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        _edited = _compilation.ReplaceSyntaxTree(
            _compilation.SyntaxTrees.First(),
            CSharpSyntaxTree.ParseText("namespace Consumer { public class A { public int B; } }", options));
        _warm = NewDriver().RunGenerators(_compilation);
    }

    /// <summary>Cold: a new driver generates the whole client.</summary>
    [Benchmark(Baseline = true)]
    public GeneratorDriver FullRun() => NewDriver().RunGenerators(_compilation);

    /// <summary>Incremental: an unrelated edit on a warm driver (the spec's steps are cached).</summary>
    [Benchmark]
    public GeneratorDriver IncrementalRerun() => _warm.RunGenerators(_edited);

    internal GeneratorDriver NewDriver() =>
        CSharpGeneratorDriver.Create(
            new[] { new MlflowClientGenerator().AsSourceGenerator() },
            new[] { _spec },
            new CSharpParseOptions(LanguageVersion.Latest),
            optionsProvider: null,
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: false));

    internal CSharpCompilation Compilation => _compilation;

    internal CSharpCompilation Edited => _edited;

    private sealed class SpecFile(string path, string text) : AdditionalText
    {
        private readonly SourceText _text = SourceText.From(text);

        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }
}

/// <summary>Repository paths.</summary>
internal static class Paths
{
    public static string Spec { get; } = Path.Combine(FindRoot(), "spec", "mlflow.openapi.json");

    private static string FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            var dir = new DirectoryInfo(start);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Directory.Build.props")))
            {
                dir = dir.Parent;
            }

            if (dir != null)
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root (Directory.Build.props) not found");
    }
}
