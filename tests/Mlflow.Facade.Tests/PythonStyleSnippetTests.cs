using Mlflow.Client.Models;
using Mlflow.Testing;

namespace Mlflow.Facade.Tests;

/// <summary>
/// The code a Python MLflow user writes, as the facade issue states it: it compiles as written in this project (warnings
/// as errors, nullable on, implicit usings) and runs against the embedded server, with what Python would give.
/// </summary>
public sealed class PythonStyleSnippetTests
{
    [Fact]
    public async Task The_python_style_snippet_compiles_and_behaves_as_python()
    {
        await using var server = new MlflowTestServer();
        var uri = await server.StartAsync();
        using var mlflow = new MlflowClient(new MlflowClientOptions { TrackingUri = uri.ToString() });
        var source = "mlflow-artifacts:/0/model";
        await mlflow.CreateRegisteredModelAsync("churn");
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        // --- the snippet, as written in the issue ---
        string expId = await mlflow.CreateExperimentAsync("demo", tags: new Dictionary<string, string> { ["team"] = "ds" });
        Experiment? byName = await mlflow.GetExperimentByNameAsync("demo");          // null when missing, as Python's None
        Run run = await mlflow.CreateRunAsync(expId, runName: "first");
        string runId = run.Info.RunId;                                              // no `!`
        await mlflow.LogParamAsync(runId, "lr", "0.01");
        await mlflow.SetTagAsync(runId, "team", "ds");
        await mlflow.LogMetricAsync(runId, "loss", 0.25);                          // timestamp = now
        await mlflow.LogMetricAsync(runId, "loss", 0.20, step: 2);
        await mlflow.LogBatchAsync(runId, metrics: [new Metric("acc", 0.9, step: 1)], @params: [new Param("epochs", "10")]);
        await foreach (Metric m in mlflow.GetMetricHistoryAsync(runId, "loss")) { double v = m.Value; long s = m.Step; }
        await mlflow.SetTerminatedAsync(runId);                                     // FINISHED, end time now
        Run again = await mlflow.GetRunAsync(runId);                                // runId required
        await foreach (Run r in mlflow.SearchRunsAsync([expId], filterString: "metrics.loss < 1", orderBy: ["metrics.loss ASC"], maxResults: 50)) { }
        ModelVersion mv = await mlflow.CreateModelVersionAsync("churn", source, runId: runId);
        await mlflow.SetRegisteredModelAliasAsync("churn", "champion", mv.Version);
        ModelVersion? champ = await mlflow.TryGetModelVersionByAliasAsync("churn", "champion");
        // --- end of the snippet ---

        Assert.Equal(expId, byName?.ExperimentId);
        Assert.Contains(byName!.Tags, t => t.Key == "team" && t.Value == "ds");
        Assert.Null(await mlflow.GetExperimentByNameAsync("no-such-experiment"));
        Assert.Equal("first", run.Info.RunName);
        Assert.Equal(RunStatus.Finished, again.Info.Status);
        Assert.True(again.Info.EndTime >= before);
        Assert.Contains(again.Data.Params, p => p.Key == "lr" && p.Value == "0.01");
        Assert.Contains(again.Data.Params, p => p.Key == "epochs" && p.Value == "10");
        Assert.Contains(again.Data.Tags, t => t.Key == "team" && t.Value == "ds");
        var history = await mlflow.GetMetricHistoryAsync(runId, "loss").ToListAsync();
        Assert.Equal([(0L, 0.25), (2L, 0.20)], history.Select(m => (m.Step, m.Value)));
        Assert.All(history, m => Assert.InRange(m.Timestamp, before, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        var acc = await mlflow.GetMetricHistoryAsync(runId, "acc").ToListAsync();
        Assert.Equal(1, Assert.Single(acc).Step);
        var found = await mlflow.SearchRunsAsync([expId], filterString: "metrics.loss < 1", orderBy: ["metrics.loss ASC"], maxResults: 50).ToListAsync();
        Assert.Equal(runId, Assert.Single(found).Info.RunId);
        Assert.Equal("1", mv.Version);
        Assert.Equal(runId, mv.RunId);
        Assert.Equal(mv.Version, champ?.Version);
        Assert.Null(await mlflow.TryGetModelVersionByAliasAsync("churn", "challenger"));
        Assert.Null(await mlflow.TryGetModelVersionByAliasAsync("no-such-model", "champion"));
    }

    [Fact]
    public async Task Required_arguments_are_checked_before_anything_is_sent()
    {
        var handler = new ReplayHandler();
        using var mlflow = Clients.Over(handler);
        await Assert.ThrowsAsync<ArgumentException>(() => mlflow.LogParamAsync("", "lr", "0.01"));
        await Assert.ThrowsAsync<ArgumentNullException>(() => mlflow.LogParamAsync("r", "lr", null!));
        await Assert.ThrowsAsync<ArgumentException>(() => mlflow.GetRunAsync(""));
        Assert.Throws<ArgumentNullException>(() => mlflow.SearchRunsAsync(null!));
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public void Entities_built_in_code_take_mlflow_defaults()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var metric = new Metric("acc", 0.9, step: 1);
        Assert.Equal(("acc", 0.9, 1L), (metric.Key, metric.Value, metric.Step));
        Assert.InRange(metric.Timestamp, before, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.Equal(0, new Metric("loss", 1).Step);
        Assert.Equal(("epochs", "10"), (new Param("epochs", "10").Key, new Param("epochs", "10").Value));
        Assert.Equal("team", new RunTag("team", "ds").Key);
        Assert.Equal("ds", new ExperimentTag("team", "ds").Value);
        Assert.Throws<ArgumentException>(() => new Param("", "x"));
        var missing = Assert.Throws<Mlflow.Client.Serialization.MlflowMissingFieldException>(() => new Run().Info);
        Assert.Equal(("Run", "info"), (missing.TypeName, missing.FieldName));
        Assert.Empty(new RunData().Metrics);
        Assert.Null(new RunInfo().EndTime);
    }
}
