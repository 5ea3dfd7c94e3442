using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Mlflow.Contract.Tests.Infrastructure;
using Mlflow.Webhooks;
using Mlflow.Client.Models;

namespace Mlflow.Contract.Tests;

/// <summary>
/// The contract scenario, through the <see cref="MlflowClient"/> facade: experiment, runs, params, metrics and batches,
/// search, metric history over pages, artifacts, registry, aliases, webhooks with a local receiver, and the recorded
/// error cases. It runs against the embedded server by default and against a real MLflow when
/// <c>MLFLOW_TRACKING_URI</c> is set (that server needs <c>--serve-artifacts</c>, a SQL store, and http webhook URLs
/// to private addresses allowed for the webhook part). Every request and answer is checked against the spec.
/// </summary>
public sealed class ContractScenarioTests : IClassFixture<TrackingServer>, IDisposable
{
    private readonly TrackingServer server;
    private readonly RecordingHandler recorder = new();
    private readonly MlflowClient mlflow;

    public ContractScenarioTests(TrackingServer server)
    {
        this.server = server;
        mlflow = new MlflowClient(new MlflowClientOptions { TrackingUri = server.Uri.ToString() }, loggerFactory: null, innerHandler: recorder);
    }

    public void Dispose()
    {
        mlflow.Dispose();
        Assert.Empty(recorder.CheckAgainstSpec());
    }

    [Fact]
    public async Task Experiment_runs_params_metrics_batch_search_history_and_artifacts()
    {
        var name = TrackingServer.Unique("contract-exp");
        var experimentId = await mlflow.CreateExperimentAsync(name, tags: new Dictionary<string, string> { ["team"] = "sdk" });
        var experiment = await mlflow.GetExperimentAsync(experimentId);
        Assert.Equal(name, experiment.Name);
        Assert.Equal("active", experiment.LifecycleStage);
        Assert.Contains(experiment.Tags, t => t.Key == "team" && t.Value == "sdk");
        Assert.Equal(experimentId, (await mlflow.GetExperimentByNameAsync(name))?.ExperimentId);
        Assert.Null(await mlflow.GetExperimentByNameAsync(name + "-missing"));

        var start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var runs = new List<Run>();
        for (var i = 0; i < 3; i++)
            runs.Add(await mlflow.CreateRunAsync(experimentId, startTime: start + i, runName: $"run-{i}"));
        var runId = runs[0].Info.RunId;
        Assert.Equal(RunStatus.Running, runs[0].Info.Status);

        await mlflow.LogParamAsync(runId, "lr", "0.01");
        await mlflow.SetTagAsync(runId, "framework", "none");
        for (var step = 0; step < 5; step++)
            await mlflow.LogMetricAsync(runId, "loss", 1.0 / (step + 1), start + step, step);
        await mlflow.LogBatchAsync(runId, metrics: [new Metric("acc", 0.9, start)], @params: [new Param("epochs", "3")], tags: [new RunTag("stage", "dev")]);
        for (var i = 1; i < runs.Count; i++)
            await mlflow.LogBatchAsync(runs[i].Info.RunId, metrics: [new Metric("acc", 0.5 + i * 0.1, start)]);

        var run = await mlflow.GetRunAsync(runId);
        Assert.Contains(run.Data.Params, p => p.Key == "lr" && p.Value == "0.01");
        Assert.Contains(run.Data.Tags, t => t.Key == "framework" && t.Value == "none");
        Assert.Equal(0.2, run.Data.Metrics.Single(m => m.Key == "loss").Value, 6);

        var found = new List<string>();
        await foreach (var r in mlflow.SearchRunsAsync([experimentId], "metrics.acc > 0.55 and params.epochs != '9'", orderBy: ["metrics.acc DESC"], maxResults: 1))
            found.Add(r.Info.RunName);
        Assert.Equal(["run-0"], found);
        var ordered = new List<string>();
        await foreach (var page in mlflow.SearchRunsAsync([experimentId], orderBy: ["metrics.acc ASC"], maxResults: null).AsPages(pageSizeHint: 2))
            ordered.AddRange(page.Items.Select(r => r.Info.RunName));
        Assert.Equal(["run-1", "run-2", "run-0"], ordered);
        var byTag = await mlflow.SearchRunsAsync([experimentId], "tags.stage = 'dev' AND attributes.status = 'RUNNING'").ToListAsync();
        Assert.Equal([runId], byTag.Select(r => r.Info.RunId));

        var history = new List<(long Step, double Value)>();
        await foreach (var page in mlflow.GetMetricHistoryAsync(runId, "loss").AsPages(pageSizeHint: 2))
            history.AddRange(page.Items.Select(m => (m.Step, m.Value)));
        Assert.Equal([0L, 1, 2, 3, 4], history.Select(h => h.Step));
        var firstPage = await mlflow.GetMetricHistoryAsync(runId, "loss").GetPageAsync(pageSize: 2);
        Assert.Equal(2, firstPage.Items.Count);
        Assert.NotNull(firstPage.NextPageToken);

        var finished = await mlflow.UpdateRunAsync(runs[2].Info.RunId, RunStatus.Finished, endTime: start + 100);
        Assert.Equal(RunStatus.Finished, finished.Status);
        await mlflow.SetTerminatedAsync(runs[1].Info.RunId, RunStatus.Killed);
        var killed = await mlflow.GetRunAsync(runs[1].Info.RunId);
        Assert.Equal(RunStatus.Killed, killed.Info.Status);
        Assert.NotNull(killed.Info.EndTime);

        // Artifacts as Python logs them: text and a local file, into the run's artifact store (here the proxy).
        var text = "loss went down\nünïcödé ✓\n";
        await mlflow.LogTextAsync(runId, text, "notes/summary.txt");
        var local = Directory.CreateTempSubdirectory("contract-artifacts");
        try
        {
            var weights = Path.Combine(local.FullName, "weights.bin");
            await File.WriteAllBytesAsync(weights, [0, 1, 2, 3, 255]);
            await mlflow.LogArtifactAsync(runId, weights, "model/data");
            var listed = new List<(string Path, bool Dir)>();
            foreach (var file in await mlflow.ListArtifactsAsync(runId))
                listed.Add((file.Path, file.IsDirectory));
            Assert.Equal([("model", true), ("notes", true)], listed.OrderBy(f => f.Path, StringComparer.Ordinal));
            var nested = await mlflow.ListArtifactsAsync(runId, "model/data");
            Assert.Equal("model/data/weights.bin", Assert.Single(nested).Path);
            Assert.Equal(5, nested[0].FileSize);
            var downloaded = await mlflow.DownloadArtifactsAsync(runId, "notes/summary.txt", Directory.CreateDirectory(Path.Combine(local.FullName, "out")).FullName);
            Assert.Equal(text, await File.ReadAllTextAsync(downloaded, Encoding.UTF8));
        }
        finally
        {
            local.Delete(recursive: true);
        }

        await mlflow.DeleteExperimentAsync(experimentId);
        Assert.Equal("deleted", (await mlflow.GetExperimentAsync(experimentId)).LifecycleStage);
    }

    [Fact]
    public async Task Registry_versions_and_aliases()
    {
        var experimentId = await mlflow.CreateExperimentAsync(TrackingServer.Unique("contract-reg"));
        var run = await mlflow.CreateRunAsync(experimentId);
        var modelName = TrackingServer.Unique("contract-model");
        var model = await mlflow.CreateRegisteredModelAsync(modelName, description: "contract");
        Assert.Equal(modelName, model.Name);
        var source = run.Info.ArtifactUri + "/model";
        var v1 = await mlflow.CreateModelVersionAsync(modelName, source, runId: run.Info.RunId);
        var v2 = await mlflow.CreateModelVersionAsync(modelName, source, runId: run.Info.RunId);
        Assert.Equal(("1", "2"), (v1.Version, v2.Version));
        Assert.Equal(ModelVersionStatus.Ready, v2.Status);

        await mlflow.SetRegisteredModelAliasAsync(modelName, "champion", v2.Version);
        var champion = await mlflow.GetModelVersionByAliasAsync(modelName, "champion");
        Assert.Equal("2", champion.Version);
        Assert.Equal(run.Info.RunId, champion.RunId);
        Assert.Contains("champion", champion.Aliases);
        Assert.Null(await mlflow.TryGetModelVersionByAliasAsync(modelName, "challenger"));
        Assert.Equal("2", (await mlflow.TryGetModelVersionByAliasAsync(modelName, "champion"))?.Version);
        var fetched = await mlflow.GetRegisteredModelAsync(modelName);
        Assert.Contains(fetched.Aliases, a => a.Alias == "champion" && a.Version == "2");
    }

    [Fact]
    public async Task Recorded_error_cases_have_the_recorded_codes_and_statuses()
    {
        var name = TrackingServer.Unique("contract-err");
        await mlflow.CreateExperimentAsync(name);
        // err-create-duplicate-name: 400 RESOURCE_ALREADY_EXISTS.
        await AssertError(() => mlflow.CreateExperimentAsync(name), HttpStatusCode.BadRequest, "RESOURCE_ALREADY_EXISTS");
        // err-get-unknown-id: 404 RESOURCE_DOES_NOT_EXIST.
        await AssertError(() => mlflow.GetExperimentAsync("987654321"), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        // err-get-non-numeric-id: 400 INVALID_PARAMETER_VALUE.
        await AssertError(() => mlflow.GetExperimentAsync("not-a-number"), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        // err-log-batch-unknown-run, err-log-metric-unknown-run: 404.
        await AssertError(() => mlflow.LogBatchAsync("0123456789abcdef0123456789abcdef", @params: [new Param("a", "b")]), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        var experimentId = (await mlflow.GetExperimentByNameAsync(name))!.ExperimentId;
        var runId = (await mlflow.CreateRunAsync(experimentId)).Info.RunId;
        // err-log-parameter-change-value: 400.
        await mlflow.LogParamAsync(runId, "lr", "0.01");
        await AssertError(() => mlflow.LogParamAsync(runId, "lr", "0.02"), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        // err-log-batch-too-many-metrics: 400 for one request over the limit (LogBatchAsync itself splits such a batch).
        var tooMany = Enumerable.Range(0, 1001).Select(i => new Metric("m", i, 1, i)).ToList();
        await AssertError(() => mlflow.Api.Api.V20.Mlflow.Runs.LogBatch.PostAsync(new LogBatch { RunId = runId, Metrics = tooMany }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        await mlflow.LogBatchAsync(runId, metrics: tooMany);
        // err-search-runs-invalid-filter / bad page token: 400.
        await AssertError(() => mlflow.SearchRunsAsync([experimentId], "metrics.acc >>> 1").GetPageAsync(), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        await AssertError(() => mlflow.SearchRunsAsync([experimentId], pageToken: "garbage!").GetPageAsync(), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        // err-get-by-unknown-alias: 400 INVALID_PARAMETER_VALUE (not 404).
        var modelName = TrackingServer.Unique("contract-err-model");
        await mlflow.CreateRegisteredModelAsync(modelName);
        await AssertError(() => mlflow.GetModelVersionByAliasAsync(modelName, "challenger"), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        // err-set-alias-unknown-version: 404.
        await AssertError(() => mlflow.SetRegisteredModelAliasAsync(modelName, "x", "42"), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        // err-create-duplicate (registry): 400 RESOURCE_ALREADY_EXISTS.
        await AssertError(() => mlflow.CreateRegisteredModelAsync(modelName), HttpStatusCode.BadRequest, "RESOURCE_ALREADY_EXISTS");
        // err-get-webhook-unknown: 404.
        await AssertError(() => mlflow.DeleteWebhookAsync("00000000000000000000000000000000"), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
    }

    [Fact]
    public async Task Webhooks_deliver_signed_registry_events_to_a_local_receiver()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        const string secret = "contract-webhook-secret";
        var webhook = await mlflow.CreateWebhookAsync(
            TrackingServer.Unique("contract-hook"),
            new Uri(receiver.BaseUri, "/hooks").ToString(),
            [WebhookEvent.RegisteredModelCreated, WebhookEvent.ModelVersionAliasCreated],
            secret: secret);
        try
        {
            Assert.Equal(WebhookStatus.Active, webhook.Status);
            var test = await mlflow.TestWebhookAsync(webhook.WebhookId, WebhookEvent.RegisteredModelCreated);
            Assert.True(test.Success, test.ErrorMessage);
            Assert.Equal(200, test.ResponseStatus);

            var modelName = TrackingServer.Unique("contract-hooked");
            await mlflow.CreateRegisteredModelAsync(modelName);
            var version = await mlflow.CreateModelVersionAsync(modelName, "mlflow-artifacts:/0/r/artifacts/model");
            await mlflow.SetRegisteredModelAliasAsync(modelName, "champion", version.Version);

            var verifier = new WebhookVerifier(secret);
            foreach (var (entity, action) in new[] { ("registered_model", "created"), ("model_version_alias", "created") })
            {
                var delivery = await receiver.WaitForAsync(d => d.BodyText.Contains(modelName, StringComparison.Ordinal) && d.BodyText.Contains($"\"entity\": \"{entity}\"", StringComparison.Ordinal));
                var result = verifier.Verify(delivery.Headers.GetValueOrDefault("X-MLflow-Delivery-Id"), delivery.Headers.GetValueOrDefault("X-MLflow-Timestamp"), delivery.Headers.GetValueOrDefault("X-MLflow-Signature"), delivery.Body);
                Assert.True(result.IsVerified, result.ToString());
                var envelope = JsonNode.Parse(delivery.Body)!;
                Assert.Equal(action, (string?)envelope["action"]);
                Assert.Equal(modelName, (string?)envelope["data"]!["name"]);
            }
        }
        finally
        {
            await mlflow.DeleteWebhookAsync(webhook.WebhookId);
        }
    }

    private static async Task AssertError(Func<Task> call, HttpStatusCode status, string errorCode)
    {
        var error = await Assert.ThrowsAnyAsync<MlflowException>(call);
        Assert.Equal(status, error.StatusCode);
        Assert.Equal(errorCode, error.RawErrorCode);
    }
}
