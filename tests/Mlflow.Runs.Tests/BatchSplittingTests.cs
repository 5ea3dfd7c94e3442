using System.Text.Json.Nodes;
using Mlflow.Client.Models;

namespace Mlflow.Runs.Tests;

/// <summary>
/// LogBatchAsync of any size: split into requests within MLflow's limits (checked by the embedded server, which
/// answers over-limit requests with MLflow's recorded message), params and tags first, no body over 1 MB.
/// </summary>
public sealed class BatchSplittingTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private async Task<(MlflowClient Client, RecordingHandler Handler, string RunId)> NewRunAsync()
    {
        var handler = new RecordingHandler();
        var client = Clients.Create(fixture.Uri, handler);
        var experiment = await client.GetOrCreateExperimentAsync("batches-" + Guid.NewGuid().ToString("N"));
        var run = await client.StartRunAsync(experiment.ExperimentId);
        return (client, handler, run.RunId);
    }

    private static int Count(JsonObject body, string kind) => body[kind]?.AsArray().Count ?? 0;

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(999, 1)]
    [InlineData(1000, 1)]
    [InlineData(1001, 2)]
    [InlineData(10000, 10)]
    public async Task Metrics_go_in_requests_of_at_most_1000(int count, int requests)
    {
        var (mlflow, handler, runId) = await NewRunAsync();
        using var _ = mlflow;
        var metrics = Enumerable.Range(0, count).Select(i => new Metric("loss", 1.0 / (i + 1), 1_700_000_000_000 + i, i)).ToList();
        await mlflow.LogBatchAsync(runId, metrics: metrics);

        var batches = handler.Batches.ToList();
        Assert.Equal(requests, batches.Count);
        Assert.All(batches, b => Assert.InRange(Count(b, "metrics"), 1, 1000));
        Assert.All(handler.To("/runs/log-batch"), r => Assert.True(r.Bytes <= 1_000_000, $"{r.Bytes} bytes"));
        var history = await mlflow.GetMetricHistoryAsync(runId, "loss").ToListAsync();
        Assert.Equal(Enumerable.Range(0, count).Select(i => (long)i), history.Select(m => m.Step).Order());
    }

    [Fact]
    public async Task Params_and_tags_go_first_100_of_each_per_request_with_metrics_filling_the_room()
    {
        var (mlflow, handler, runId) = await NewRunAsync();
        using var _ = mlflow;
        var parameters = Enumerable.Range(0, 250).Select(i => new Param($"p{i:000}", i.ToString())).ToList();
        var tags = Enumerable.Range(0, 250).Select(i => new RunTag($"t{i:000}", i.ToString())).ToList();
        var metrics = Enumerable.Range(0, 1500).Select(i => new Metric("m", i, 1_700_000_000_000, i)).ToList();
        await mlflow.LogBatchAsync(runId, metrics, parameters, tags);

        var shapes = handler.Batches.Select(b => (Count(b, "params"), Count(b, "tags"), Count(b, "metrics"))).ToList();
        Assert.Equal([(100, 100, 800), (100, 100, 700), (50, 50, 0)], shapes);
        var run = await mlflow.GetRunAsync(runId);
        Assert.Equal(250, run.Data.Params.Count);
        Assert.Equal(250, run.Data.Tags.Count(t => t.Key.StartsWith('t') && t.Key.Length == 4));
        Assert.Equal(1500, (await mlflow.GetMetricHistoryAsync(runId, "m").ToListAsync()).Count);
    }

    [Theory]
    [InlineData(1900, 1)]   // about 995 kB of JSON: one request
    [InlineData(1950, 2)]   // about 1,000,300 bytes as one request: split in two
    public async Task A_batch_just_under_1_MB_is_one_request_and_one_just_over_is_two(int paramLength, int requests)
    {
        var (mlflow, handler, runId) = await NewRunAsync();
        using var _ = mlflow;
        var parameters = Enumerable.Range(0, 100).Select(i => new Param($"p{i:000}", new string('x', paramLength))).ToList();
        var tags = Enumerable.Range(0, 100).Select(i => new RunTag($"t{i:000}", new string('y', 8000))).ToList();
        await mlflow.LogBatchAsync(runId, @params: parameters, tags: tags);

        var sizes = handler.To("/runs/log-batch").Select(r => r.Bytes).ToList();
        Assert.Equal(requests, sizes.Count);
        Assert.All(sizes, s => Assert.True(s <= 1_000_000, $"{s} bytes"));
        Assert.InRange(sizes.Sum(), requests == 1 ? 990_000 : 1_000_001, requests == 1 ? 1_000_000 : 1_010_000);
        var run = await mlflow.GetRunAsync(runId);
        Assert.Equal(100, run.Data.Params.Count);
        Assert.All(run.Data.Params, p => Assert.Equal(paramLength, p.Value.Length));
        Assert.Equal(100, run.Data.Tags.Count(t => t.Key.StartsWith('t') && t.Key.Length == 4 && t.Value.Length == 8000));
    }

    [Fact]
    public async Task The_server_refuses_an_unsplit_batch_with_MLflows_recorded_message()
    {
        // What the client spares its users: the embedded server enforces MLflow's per-request limits with the
        // message the recorded MLflow 3.11 exchange shows.
        using var http = new HttpClient { BaseAddress = fixture.Uri };
        var (mlflow, _, runId) = await NewRunAsync();
        using var __ = mlflow;
        var body = new JsonObject
        {
            ["run_id"] = runId,
            ["metrics"] = new JsonArray(Enumerable.Range(0, 1001).Select(i => (JsonNode)new JsonObject { ["key"] = "m", ["value"] = 1, ["timestamp"] = 1, ["step"] = i }).ToArray()),
        };
        using var answer = await http.PostAsync("api/2.0/mlflow/runs/log-batch", new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        var error = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
        var recorded = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "data", "0062-err-log-batch-too-many-metrics.json")))!;
        Assert.Equal((int)recorded["response"]!["status"]!, (int)answer.StatusCode);
        Assert.Equal((string?)recorded["response"]!["body"]!["message"], (string?)error["message"]);
        Assert.Equal((string?)recorded["response"]!["body"]!["error_code"], (string?)error["error_code"]);
    }
}
