using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Mlflow.Generators.Tests.Harness;

namespace Mlflow.Generators.Tests;

/// <summary>
/// The pipeline caches: an unrelated source edit leaves every tracked step Cached; a spec edit gives Modified
/// where the spec changed, keeps the other models Unchanged, and regenerates the changed file.
/// </summary>
public sealed class IncrementalityTests
{
    private static readonly string Spec = File.ReadAllText(RepoPaths.SmallSpec("builders.openapi.json"));

    [Fact]
    public void Unrelated_source_edit_leaves_every_step_cached()
    {
        var compilation = GeneratorHarness.NewCompilation("namespace Consumer { public class A { } }");
        var driver = GeneratorHarness.NewDriver(new GeneratorHarness.InMemoryText(GeneratorHarness.SpecPath, Spec)).RunGenerators(compilation);

        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.First(),
            CSharpSyntaxTree.ParseText("namespace Consumer { public class A { public int B { get; set; } } }", GeneratorHarness.ParseOptions));
        driver = driver.RunGenerators(edited);

        var steps = driver.GetRunResult().Results.Single().TrackedSteps;
        foreach (var name in MlflowClientGenerator.TrackingNames.All)
        {
            // Diagnostics has no output for a spec without diagnostics, so it is not recorded.
            Assert.True(steps.ContainsKey(name) || name == MlflowClientGenerator.TrackingNames.Diagnostics, "step " + name + " was not tracked");
            foreach (var step in steps.TryGetValue(name, out var s) ? s : System.Collections.Immutable.ImmutableArray<IncrementalGeneratorRunStep>.Empty)
            {
                foreach (var output in step.Outputs)
                {
                    Assert.True(output.Reason == IncrementalStepRunReason.Cached, name + " output was " + output.Reason);
                }
            }
        }
    }

    [Fact]
    public void Spec_edit_is_modified_and_regenerates_only_what_changed()
    {
        var compilation = GeneratorHarness.NewCompilation("namespace Consumer { public class A { } }");
        var original = new GeneratorHarness.InMemoryText(GeneratorHarness.SpecPath, Spec);
        var driver = GeneratorHarness.NewDriver(original).RunGenerators(compilation);
        var before = driver.GetRunResult().Results.Single().GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());

        var changed = Spec.Replace("\"next_page_token\": { \"type\": \"string\" }", "\"next_page_token\": { \"type\": \"string\" }, \"total\": { \"type\": \"integer\", \"format\": \"int64\" }", StringComparison.Ordinal);
        Assert.NotEqual(Spec, changed);
        driver = driver.ReplaceAdditionalText(original, new GeneratorHarness.InMemoryText(GeneratorHarness.SpecPath, changed)).RunGenerators(compilation);
        var result = driver.GetRunResult().Results.Single();

        Assert.Equal(IncrementalStepRunReason.Modified, result.TrackedSteps[MlflowClientGenerator.TrackingNames.SpecText].Single().Outputs.Single().Reason);
        Assert.Equal(IncrementalStepRunReason.Modified, result.TrackedSteps[MlflowClientGenerator.TrackingNames.Document].Single().Outputs.Single().Reason);
        var models = result.TrackedSteps[MlflowClientGenerator.TrackingNames.Models].SelectMany(s => s.Outputs).ToList();
        Assert.Single(models, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.All(models.Where(o => o.Reason != IncrementalStepRunReason.Modified), o => Assert.Equal(IncrementalStepRunReason.Unchanged, o.Reason));
        var builders = result.TrackedSteps[MlflowClientGenerator.TrackingNames.Builders].SelectMany(s => s.Outputs).ToList();
        Assert.All(builders, o => Assert.Equal(IncrementalStepRunReason.Unchanged, o.Reason));

        var after = result.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());
        var diff = after.Where(kv => before[kv.Key] != kv.Value).Select(kv => kv.Key).ToList();
        Assert.Equal(new[] { "Mlflow.Client.Models.SearchRunsResponse.g.cs" }, diff);
        Assert.Contains("public long? Total { get; set; }", after["Mlflow.Client.Models.SearchRunsResponse.g.cs"], StringComparison.Ordinal);
    }
}
