using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Mlflow.Testing.Tests;

/// <summary>
/// <see cref="MlflowTestServerOptions.DataDirectory"/>: the state is kept in SQLite and artifact files, and a server
/// stopped and started again (the same instance, or a new one on the same directory and port) answers exactly as
/// before, with nothing lost, also while clients keep logging through the restarts.
/// </summary>
public sealed class PersistenceTests
{
    [Fact]
    public async Task Everything_written_survives_a_stop_and_a_start_on_the_same_data_directory()
    {
        using var directory = new TempDirectory();
        await using var server = new MlflowTestServer(new MlflowTestServerOptions { DataDirectory = directory.Path });
        var uri = await server.StartAsync();
        using var http = new TestHttp(uri);
        var ids = await Populate(http);
        var before = await Snapshot(http, ids);

        // The same instance, stopped and started: same port, same answers.
        await server.StopAsync();
        Assert.False(server.IsRunning);
        await Assert.ThrowsAsync<HttpRequestException>(() => http.Get("/health"));
        Assert.Equal(uri, await server.StartAsync());
        Assert.Equal(before, await Snapshot(http, ids));
        Assert.Equal("SqlStore", (string?)(await http.Get("/api/3.0/mlflow/server-info")).Ok()["store_type"]);

        // A new server on the directory and the port: the same again, and it keeps working (ids continue).
        await server.StopAsync();
        await using var next = new MlflowTestServer(new MlflowTestServerOptions { DataDirectory = directory.Path, Port = uri.Port });
        Assert.Equal(uri, await next.StartAsync());
        Assert.Equal(before, await Snapshot(http, ids));
        var experiment = (string)(await http.Post("/api/2.0/mlflow/experiments/create", new { name = "after-restart" })).Ok()["experiment_id"]!;
        Assert.Equal((long.Parse(ids.Experiment) + 1).ToString(), experiment);
        Assert.Equal("3", (string?)(await http.Post("/api/2.0/mlflow/model-versions/create", new { name = "persisted-model", source = "s3://b/m" })).Ok()["model_version"]!["version"]);
    }

    [Fact]
    public async Task A_stream_of_log_batches_loses_nothing_across_two_restarts()
    {
        const int Batches = 100;
        const int PerBatch = 1000;
        using var directory = new TempDirectory();
        await using var server = new MlflowTestServer(new MlflowTestServerOptions { DataDirectory = directory.Path });
        var uri = await server.StartAsync();
        using var http = new TestHttp(uri);
        var experiment = (string)(await http.Post("/api/2.0/mlflow/experiments/create", new { name = "stream" })).Ok()["experiment_id"]!;
        var run = (string)(await http.Post("/api/2.0/mlflow/runs/create", new { experiment_id = experiment })).Ok()["run"]!["info"]!["run_id"]!;

        var sent = 0;
        var retries = 0;
        var logger = Task.Run(async () =>
        {
            using var client = new TestHttp(uri);
            for (var batch = 0; batch < Batches; batch++)
            {
                var metrics = Enumerable.Range(0, PerBatch).Select(i =>
                {
                    var step = (long)batch * PerBatch + i;
                    return new { key = "loss", value = 1.0 / (step + 1), timestamp = 1_700_000_000_000 + step, step };
                }).ToArray();
                // The logger's contract: retry until acknowledged (connection refused while the server is down, or
                // the answer lost while it stops); a point logged twice is kept once, as in MLflow.
                var deadline = Stopwatch.StartNew();
                while (true)
                {
                    try
                    {
                        var answer = await client.Post("/api/2.0/mlflow/runs/log-batch", new { run_id = run, metrics });
                        if (answer.Status == 200) break;
                        Assert.True(answer.Status >= 500, answer.Text);
                    }
                    catch (HttpRequestException)
                    {
                    }
                    Interlocked.Increment(ref retries);
                    Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), "the server did not come back");
                    await Task.Delay(20);
                }
                Interlocked.Increment(ref sent);
            }
        });

        for (var restart = 1; restart <= 2; restart++)
        {
            var target = restart * Batches / 3;
            while (Volatile.Read(ref sent) < target && !logger.IsCompleted) await Task.Delay(5);
            await server.StopAsync();
            await Task.Delay(150);
            Assert.Equal(uri, await server.StartAsync());
        }
        await logger;

        var points = new List<long>();
        string? token = null;
        do
        {
            var page = (await http.Get($"/api/2.0/mlflow/metrics/get-history?run_id={run}&metric_key=loss&max_results=25000" + (token is null ? "" : "&page_token=" + Uri.EscapeDataString(token)))).Ok();
            points.AddRange(page["metrics"]!.AsArray().Select(m => (long)m!["step"]!));
            token = (string?)page["next_page_token"];
        }
        while (token is not null);
        Assert.Equal(Batches * PerBatch, points.Count);
        Assert.Equal(Enumerable.Range(0, Batches * PerBatch).Select(i => (long)i), points);
        Assert.True(retries > 0, "the restarts happened while the logger was sending");
        // And once more after a last restart: all of it is on disk.
        await server.StopAsync();
        await server.StartAsync();
        var latest = (await http.Get($"/api/2.0/mlflow/runs/get?run_id={run}")).Ok()["run"]!["data"]!["metrics"]![0]!;
        Assert.Equal(Batches * PerBatch - 1, (long)latest["step"]!);
    }

    [Fact]
    public async Task Traces_their_spans_tags_and_assessments_survive_a_restart()
    {
        using var directory = new TempDirectory();
        await using var server = new MlflowTestServer(new MlflowTestServerOptions { DataDirectory = directory.Path });
        var uri = await server.StartAsync();
        using var http = new TestHttp(uri);
        var experiment = (string)(await http.Post("/api/2.0/mlflow/experiments/create", new { name = "traced" })).Ok()["experiment_id"]!;

        // Spans through OTLP/JSON (as the tracing package sends them), then a tag and an assessment over REST.
        const string OtelTraceId = "0af7651916cd43dd8448eb211c80319c";
        using (var raw = new HttpClient { BaseAddress = uri })
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/traces"))
        {
            request.Headers.Add("x-mlflow-experiment-id", experiment);
            request.Content = new StringContent($$$"""
                {"resourceSpans": [{"scopeSpans": [{"spans": [
                  {"traceId": "{{{OtelTraceId}}}", "spanId": "b7ad6b7169203331", "name": "answer", "kind": "SPAN_KIND_INTERNAL",
                   "startTimeUnixNano": "1700000000000000000", "endTimeUnixNano": "1700000000250000000",
                   "attributes": [{"key": "mlflow.spanType", "value": {"stringValue": "\"CHAIN\""}},
                                  {"key": "mlflow.spanInputs", "value": {"stringValue": "{\"question\": \"why?\"}"}}],
                   "status": {"code": "STATUS_CODE_OK"}}]}]}]}
                """, Encoding.UTF8, "application/json");
            Assert.True((await raw.SendAsync(request)).IsSuccessStatusCode);
        }
        var traceId = "tr-" + OtelTraceId;
        (await http.Patch($"/api/3.0/mlflow/traces/{traceId}/tags", new { key = "reviewed", value = "yes" })).Ok();
        var assessment = (string)(await http.Post($"/api/3.0/mlflow/traces/{traceId}/assessments", new
        {
            assessment = new
            {
                assessment_name = "correct",
                trace_id = traceId,
                source = new { source_type = "HUMAN", source_id = "me" },
                feedback = new { value = true },
            },
        })).Ok()["assessment"]!["assessment_id"]!;
        var before = (await http.Get($"/api/3.0/mlflow/traces/get?trace_id={traceId}")).Ok().ToJsonString();
        Assert.Contains("\"reviewed\"", before);
        Assert.Contains(assessment, before);
        Assert.Contains("answer", before);

        await server.StopAsync();
        await using var next = new MlflowTestServer(new MlflowTestServerOptions { DataDirectory = directory.Path, Port = uri.Port });
        Assert.Equal(uri, await next.StartAsync());
        Assert.Equal(before, (await http.Get($"/api/3.0/mlflow/traces/get?trace_id={traceId}")).Ok().ToJsonString());
        var found = (await http.Post("/api/3.0/mlflow/traces/search", new { locations = new[] { new { type = "MLFLOW_EXPERIMENT", mlflow_experiment = new { experiment_id = experiment } } } })).Ok();
        Assert.Equal(traceId, (string?)found["traces"]![0]!["trace_id"]);

        // Deleting after the restart is kept too.
        (await http.Post("/api/3.0/mlflow/traces/delete-traces", new { experiment_id = experiment, request_ids = new[] { traceId } })).Ok();
        await next.StopAsync();
        await next.StartAsync();
        Assert.Equal(404, (await http.Get($"/api/3.0/mlflow/traces/get?trace_id={traceId}")).Status);
    }

    [Fact]
    public async Task A_second_server_on_a_data_directory_in_use_fails_to_start_with_a_clear_error()
    {
        using var directory = new TempDirectory();
        await using var first = new MlflowTestServer(new MlflowTestServerOptions { DataDirectory = directory.Path });
        await first.StartAsync();
        await using var second = new MlflowTestServer(new MlflowTestServerOptions { DataDirectory = directory.Path });
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => second.StartAsync());
        Assert.Contains("in use by another embedded MLflow server", error.Message);
        Assert.False(second.IsRunning);
        await first.StopAsync();
        // Released on stop: now it starts.
        await second.StartAsync();
    }

    [Fact]
    public async Task Artifacts_are_files_under_the_data_directory()
    {
        using var directory = new TempDirectory();
        await using var server = new MlflowTestServer(new MlflowTestServerOptions { DataDirectory = directory.Path });
        using var http = new TestHttp(await server.StartAsync());
        (await http.Put("/api/2.0/mlflow-artifacts/artifacts/0/abc/artifacts/model/weights.bin", [1, 2, 3])).Ok();
        var file = Path.Combine(directory.Path, "artifacts", "0", "abc", "artifacts", "model", "weights.bin");
        Assert.Equal([1, 2, 3], await File.ReadAllBytesAsync(file));
        Assert.True(File.Exists(Path.Combine(directory.Path, "mlflow.db")));
        (await http.Delete("/api/2.0/mlflow-artifacts/artifacts/0/abc/artifacts/model")).Ok();
        Assert.False(Directory.Exists(Path.GetDirectoryName(file)));
    }

    [Fact]
    public async Task Without_a_data_directory_the_state_lives_and_dies_with_the_server()
    {
        await using var server = new MlflowTestServer();
        using var http = new TestHttp(await server.StartAsync());
        (await http.Post("/api/2.0/mlflow/experiments/create", new { name = "gone" })).Ok();
        Assert.Equal("InMemory", (string?)(await http.Get("/api/3.0/mlflow/server-info")).Ok()["store_type"]);
        await server.StopAsync();
        await server.StartAsync();
        var missing = await http.Get("/api/2.0/mlflow/experiments/get-by-name?experiment_name=gone");
        Assert.Equal(404, missing.Status);
    }

    internal sealed record Ids(string Experiment, string Run, string LoggedModel, string Dataset, string Webhook);

    /// <summary>One of everything the server keeps.</summary>
    private static async Task<Ids> Populate(TestHttp http)
    {
        var experiment = (string)(await http.Post("/api/2.0/mlflow/experiments/create", new { name = "persisted", tags = new[] { new { key = "team", value = "sdk" } } })).Ok()["experiment_id"]!;
        var run = (string)(await http.Post("/api/2.0/mlflow/runs/create", new { experiment_id = experiment, run_name = "r", start_time = 1 })).Ok()["run"]!["info"]!["run_id"]!;
        (await http.Post("/api/2.0/mlflow/runs/log-batch", new
        {
            run_id = run,
            metrics = new object[]
            {
                new { key = "loss", value = "NaN", timestamp = 1, step = 0 },
                new { key = "loss", value = 0.5, timestamp = 2, step = 1 },
                new { key = "acc", value = "Infinity", timestamp = 3, step = 0 },
            },
            @params = new[] { new { key = "lr", value = "0.01" } },
            tags = new[] { new { key = "unicode", value = "ünï ✓ \"quoted\"" } },
        })).Ok();
        var loggedModel = (string)(await http.Post("/api/2.0/mlflow/logged-models", new { experiment_id = experiment, name = "lm", @params = new[] { new { key = "k", value = "v" } } })).Ok()["model"]!["info"]!["model_id"]!;
        (await http.Post("/api/2.0/mlflow/runs/log-metric", new { run_id = run, key = "model_acc", value = 0.7, timestamp = 4, model_id = loggedModel })).Ok();
        (await http.Post("/api/2.0/mlflow/runs/log-inputs", new
        {
            run_id = run,
            datasets = new[] { new { dataset = new { name = "ds", digest = "d1", source_type = "local", source = "{}" }, tags = new[] { new { key = "mlflow.data.context", value = "train" } } } },
            models = new[] { new { model_id = loggedModel } },
        })).Ok();
        (await http.Post("/api/2.0/mlflow/runs/outputs", new { run_id = run, models = new[] { new { model_id = loggedModel, step = 1 } } })).Ok();
        (await http.Put($"/api/2.0/mlflow-artifacts/artifacts/{experiment}/{run}/artifacts/notes/a.txt", Encoding.UTF8.GetBytes("hello"))).Ok();
        (await http.Post("/api/2.0/mlflow/registered-models/create", new { name = "persisted-model", tags = new[] { new { key = "t", value = "1" } } })).Ok();
        (await http.Post("/api/2.0/mlflow/model-versions/create", new { name = "persisted-model", source = $"mlflow-artifacts:/{experiment}/{run}/artifacts/notes", run_id = run })).Ok();
        (await http.Post("/api/2.0/mlflow/model-versions/create", new { name = "persisted-model", source = "s3://b/m" })).Ok();
        (await http.Post("/api/2.0/mlflow/registered-models/alias", new { name = "persisted-model", alias = "champion", version = "1" })).Ok();
        (await http.Post("/api/2.0/mlflow/model-versions/transition-stage", new { name = "persisted-model", version = "2", stage = "Staging", archive_existing_versions = false })).Ok();
        var dataset = (string)(await http.Post("/api/3.0/mlflow/datasets/create", new { name = "eval", experiment_ids = new[] { experiment }, tags = "{\"a\": \"b\"}" })).Ok()["dataset"]!["dataset_id"]!;
        (await http.Post($"/api/3.0/mlflow/datasets/{dataset}/records", new { records = "[{\"inputs\": {\"q\": \"x\"}, \"expectations\": {\"a\": 1}}]" })).Ok();
        (await http.Post("/api/3.0/mlflow/scorers/register", new { experiment_id = experiment, name = "s", serialized_scorer = "{\"name\": \"s\"}" })).Ok();
        var webhook = (string)(await http.Post("/api/2.0/mlflow/webhooks", new
        {
            name = "hook",
            url = "http://127.0.0.1:9/hook",
            events = new[] { new { entity = "MODEL_VERSION", action = "CREATED" } },
            secret = "s3cret",
        })).Ok()["webhook"]!["webhook_id"]!;
        return new Ids(experiment, run, loggedModel, dataset, webhook);
    }

    /// <summary>The answers of every read that shows what <see cref="Populate"/> wrote, as text.</summary>
    private static async Task<List<string>> Snapshot(TestHttp http, Ids ids)
    {
        var reads = new[]
        {
            "/api/2.0/mlflow/experiments/search?max_results=100&view_type=ALL",
            $"/api/2.0/mlflow/runs/get?run_id={ids.Run}",
            $"/api/2.0/mlflow/metrics/get-history?run_id={ids.Run}&metric_key=loss&max_results=10",
            $"/api/2.0/mlflow/artifacts/list?run_id={ids.Run}&path=notes",
            $"/api/2.0/mlflow-artifacts/artifacts/{ids.Experiment}/{ids.Run}/artifacts/notes/a.txt",
            "/api/2.0/mlflow/registered-models/search",
            "/api/2.0/mlflow/model-versions/search",
            "/api/2.0/mlflow/registered-models/alias?name=persisted-model&alias=champion",
            $"/api/2.0/mlflow/logged-models/{ids.LoggedModel}",
            $"/api/3.0/mlflow/datasets/{ids.Dataset}",
            $"/api/3.0/mlflow/datasets/{ids.Dataset}/records",
            $"/api/3.0/mlflow/scorers/list?experiment_id={ids.Experiment}",
            $"/api/2.0/mlflow/webhooks/{ids.Webhook}",
        };
        var answers = new List<string>();
        foreach (var read in reads)
        {
            var answer = await http.Get(read);
            Assert.True(answer.Status == 200, $"{read}: {answer.Status} {answer.Text}");
            answers.Add(read + " => " + answer.Text);
        }
        answers.Add("search-datasets => " + (await http.Post("/ajax-api/2.0/mlflow/experiments/search-datasets", new { experiment_ids = new[] { ids.Experiment } })).Text);
        return answers;
    }
}
