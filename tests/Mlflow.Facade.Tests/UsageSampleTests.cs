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

    [Fact]
    public async Task Readme_calling_mlflow_and_prompts_samples_run_as_written()
    {
        await using var server = new MlflowTestServer();
        var uri = await server.StartAsync();
        using var mlflow = new MlflowClient(new MlflowClientOptions { TrackingUri = uri.ToString() });
        var output = new List<string>();

        // The README's "Calling MLflow" block, with Console.WriteLine collected.
        var experimentId = await mlflow.CreateExperimentAsync("demo");
        var run = await mlflow.CreateRunAsync(experimentId, runName: "first");
        var runId = run.Info.RunId;
        await mlflow.LogParamAsync(runId, "lr", "0.01");
        await mlflow.LogMetricAsync(runId, "loss", 0.25, step: 3);
        await mlflow.LogBatchAsync(runId, metrics: [new Metric("acc", 0.9)], @params: [new Param("epochs", "10")]);
        await mlflow.SetTagAsync(runId, "team", "ds");
        await mlflow.SetTerminatedAsync(runId);
        await foreach (var r in mlflow.SearchRunsAsync([experimentId], "params.lr = '0.01'", maxResults: 50))
            output.Add($"{r.Info.RunId} {r.Data.Metrics.Count}");
        var pages = 0;
        await foreach (Page<Run> page in mlflow.SearchRunsAsync([experimentId]).AsPages(pageSizeHint: 100))
        {
            pages++;
            Assert.Null(page.NextPageToken);
        }
        await foreach (var m in mlflow.GetMetricHistoryAsync(runId, "loss")) output.Add($"{m.Step} {m.Value}");
        await mlflow.CreateRegisteredModelAsync("churn");
        var mv = await mlflow.CreateModelVersionAsync("churn", $"{run.Info.ArtifactUri}/model", runId: runId);
        await mlflow.SetRegisteredModelAliasAsync("churn", "champion", mv.Version);
        var champion = await mlflow.TryGetModelVersionByAliasAsync("churn", "champion");

        Assert.Equal([$"{runId} 2", "3 0.25"], output);
        Assert.Equal(1, pages);
        Assert.Equal(mv.Version, champion?.Version);
        Assert.Null(await mlflow.TryGetModelVersionByAliasAsync("churn", "no-such-alias"));
        var finished = await mlflow.GetRunAsync(runId);
        Assert.Equal(RunStatus.Finished, finished.Info.Status);
        Assert.Contains(finished.Data.Tags, t => t.Key == "team" && t.Value == "ds");

        // The README's "Prompts" block.
        var doc = "MLflow is an open source platform for the machine learning lifecycle.";
        var prompt = await mlflow.RegisterPromptAsync("Summarise {{ text }} in {{ n }} words.", "summariser",
            tags: new Dictionary<string, string> { ["task"] = "summary" });
        var latest = await mlflow.GetPromptAsync("summariser");
        var names = new List<string>();
        await foreach (var p in mlflow.SearchPromptsAsync("name LIKE 'sum%'")) names.Add(p.Name);

        Assert.Equal("1", prompt.Version);
        Assert.Equal($"Summarise {doc} in 50 words.", latest!.Format(new Dictionary<string, string> { ["text"] = doc, ["n"] = "50" }));
        Assert.Equal(["summariser"], names);
        var models = new List<string>();
        await foreach (var m in mlflow.SearchRegisteredModelsAsync()) models.Add(m.Name);
        Assert.Equal(["churn"], models);
    }
}
