using Xunit.Abstractions;

namespace Mlflow.Generators.Tests;

/// <summary>The generator on the repository's real spec: no diagnostics, and the whole client compiles without a warning.</summary>
public sealed class FullSpecTests(ITestOutputHelper output)
{
    [Fact]
    public void FullSpec_GeneratesAClientThatCompilesWithoutWarnings()
    {
        var result = GeneratorHarness.Run(File.ReadAllText(RepoPaths.Spec), "Mlflow.Api", "MlflowApiClient");
        result.AssertCleanCompile();
        var models = result.Files.Keys.Count(k => k.StartsWith("Models.", StringComparison.Ordinal));
        var builders = result.Files.Keys.Count(k => k.StartsWith("RequestBuilders.", StringComparison.Ordinal));
        output.WriteLine($"files {result.Files.Count}, model/enum files {models}, request builders {builders}");
        Assert.True(builders > 100, "expected the full spec to give over 100 request builders, got " + builders);
    }
}
