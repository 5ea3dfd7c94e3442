using System.Diagnostics;
using Microsoft.CodeAnalysis;
using Mlflow.Generators.Tests.Harness;
using Xunit.Abstractions;

namespace Mlflow.Generators.Tests;

/// <summary>The generator on the repository's spec: no error, and the whole client compiles without a warning.</summary>
public sealed class FullSpecTests(ITestOutputHelper output)
{
    [Fact]
    public void Full_spec_generates_a_client_that_compiles_without_warnings()
    {
        var watch = Stopwatch.StartNew();
        var result = GeneratorHarness.Run(File.ReadAllText(RepoPaths.Spec));
        result.AssertCleanCompile();
        var models = result.Files.Count(f => f.Key.StartsWith("Mlflow.Client.Models.", StringComparison.Ordinal) && f.Value.Contains("public partial class", StringComparison.Ordinal));
        var enums = result.Files.Count(f => f.Key.StartsWith("Mlflow.Client.Models.", StringComparison.Ordinal) && f.Value.Contains("public enum", StringComparison.Ordinal));
        var builders = result.Files.Count(f => f.Key.EndsWith("RequestBuilder.g.cs", StringComparison.Ordinal));
        var operations = result.Files["Mlflow.Client.MlflowOperations.g.cs"].Split("list.Add(new MlflowOperation(").Length - 1;
        var infos = result.GeneratorDiagnostics.Count(d => d.Severity == DiagnosticSeverity.Info);
        output.WriteLine($"files {result.Files.Count}: models {models}, enums {enums}, request builders {builders} (+ root client), operations {operations}; info diagnostics {infos}; generate + compile {watch.ElapsedMilliseconds} ms");
        Assert.True(operations > 250, "expected the full spec's operations in the catalog, got " + operations);
        Assert.True(models > 400, "expected the full spec's models, got " + models);
    }
}
