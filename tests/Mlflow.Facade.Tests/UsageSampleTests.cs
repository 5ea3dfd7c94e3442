using Mlflow.Testing;
using Mlflow.Client.Models;

namespace Mlflow.Facade.Tests;

/// <summary>The README's facade sample, run end to end against the embedded MLflow-compatible server.</summary>
public sealed class UsageSampleTests
{
    [Fact]
    public async Task Readme_sample_runs_against_the_embedded_server()
    {
        await using var server = new MlflowTestServer();
        var uri = await server.StartAsync();
        using var mlflow = new MlflowClient(new MlflowClientOptions { TrackingUri = uri.ToString() });

        // --- sample start ---
        var experimentId = await mlflow.CreateExperimentAsync("demo", tags: new Dictionary<string, string> { ["team"] = "sdk" });
        var run = await mlflow.CreateRunAsync(experimentId, runName: "first");
        var runId = run.Info.RunId;
        await mlflow.LogParamAsync(runId, "lr", "0.01");
        await mlflow.LogBatchAsync(runId, metrics: Enumerable.Range(0, 5).Select(i => new Metric("loss", 1.0 / (i + 1), step: i)));

        var losses = new List<double>();
        await foreach (var page in mlflow.GetMetricHistoryAsync(runId, "loss").AsPages(pageSizeHint: 2)) // 3 pages
        {
            losses.AddRange(page.Items.Select(m => m.Value));
        }

        var found = new List<string>();
        await foreach (var r in mlflow.SearchRunsAsync([experimentId], filterString: "params.lr = '0.01'"))
        {
            found.Add(r.Info.RunId);
        }
        // --- sample end ---

        Assert.Equal(new[] { 1.0, 0.5, 1.0 / 3, 0.25, 0.2 }, losses);
        Assert.Equal(new[] { runId }, found);
        var fetched = await mlflow.GetRunAsync(runId);
        Assert.Contains(fetched.Data.Params, p => p.Key == "lr" && p.Value == "0.01");
    }

    [Fact]
    public async Task Registry_sample_aliases_a_version_and_reads_it_back()
    {
        await using var server = new MlflowTestServer();
        var uri = await server.StartAsync();
        using var mlflow = new MlflowClient(new MlflowClientOptions { TrackingUri = uri.ToString() });

        var model = await mlflow.CreateRegisteredModelAsync("churn");
        var version = await mlflow.CreateModelVersionAsync("churn", "mlflow-artifacts:/1/abc/artifacts/model");
        await mlflow.SetRegisteredModelAliasAsync("churn", "champion", version.Version);
        var champion = await mlflow.GetModelVersionByAliasAsync("churn", "champion");

        Assert.Equal("churn", model.Name);
        Assert.Equal(version.Version, champion.Version);
    }
}
