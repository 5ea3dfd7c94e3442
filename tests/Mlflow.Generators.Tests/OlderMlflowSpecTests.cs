using Microsoft.CodeAnalysis;
using Mlflow.Generators.Tests.Harness;

namespace Mlflow.Generators.Tests;

/// <summary>
/// Item 3 of issue 16 ("any version builds"): the spec SpecGen derives from an MLflow 1.x-style proto set
/// (Specs/mlflow-1x-style.openapi.json, derived from tests/Mlflow.Spec.Tests/Protos/mlflow-1x-style with the 3.11
/// overlay and <c>--mlflow-version 1.30.0</c>; tests/Mlflow.Spec.Tests checks it is up to date) has a fraction of the
/// operations, fewer fields and enum values, an RPC 3.x removed and no webhooks. The generator must turn it into a
/// client that compiles, with no error diagnostics and no crash.
/// </summary>
public sealed class OlderMlflowSpecTests
{
    [Fact]
    public void A_spec_from_older_protos_generates_a_client_that_compiles()
    {
        var result = GeneratorHarness.RunSmall("mlflow-1x-style.openapi.json");

        result.AssertCleanCompile();
        Assert.DoesNotContain(result.GeneratorDiagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
        var catalog = result.File("Mlflow.Client.MlflowOperations.g.cs");
        Assert.Equal(14, catalog.Split("list.Add(new MlflowOperation(").Length - 1);
        // An RPC that later MLflow releases removed is there, with the request builder of its path.
        Assert.Contains("\"listExperiments\"", catalog, StringComparison.Ordinal);
        Assert.Contains("Mlflow.Client.Api.V20.Mlflow.Experiments.List.ListRequestBuilder.g.cs", result.Files.Keys);
        // What 3.x added is absent (no logged models, no traces), and first releases reach the catalog.
        Assert.DoesNotContain("searchLoggedModels", catalog, StringComparison.Ordinal);
        Assert.Contains("{ Since = \"1.0.0\" }", catalog, StringComparison.Ordinal);
        // The older RunStatus has no KILLED; the model still reads the values it has.
        var runStatus = result.File("Mlflow.Client.Models.RunStatus.g.cs");
        Assert.Contains("FINISHED", runStatus, StringComparison.Ordinal);
        Assert.DoesNotContain("KILLED", runStatus, StringComparison.Ordinal);
    }

    [Fact]
    public void The_older_spec_reads_the_wire_spellings_as_numbers()
    {
        var result = GeneratorHarness.RunSmall("mlflow-1x-style.openapi.json");
        var metric = result.File("Mlflow.Client.Models.Metric.g.cs");
        // Metric's fields are always written (x-mlflow-always-written): non-nullable numbers, not untyped unions.
        Assert.Contains("public double Value {", metric, StringComparison.Ordinal);
        Assert.Contains("public long Timestamp {", metric, StringComparison.Ordinal);
        var logMetric = result.File("Mlflow.Client.Models.LogMetric.g.cs");
        Assert.Contains("public long? Step", logMetric, StringComparison.Ordinal);
    }
}
