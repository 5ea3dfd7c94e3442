using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Mlflow.Contract.Tests.Infrastructure;
using Mlflow.Testing;
using Mlflow.TestSupport;

namespace Mlflow.Contract.Tests;

/// <summary>
/// The embedded server over raw HTTP: lifecycle, routing from the spec, 501 for the rest, MLflow's wire rules
/// (error bodies, content type, limits, paging tokens, filter grammar, artifact paths). Every exchange is also checked
/// against the spec.
/// </summary>
public sealed class EmbeddedServerTests : IAsyncLifetime
{
    private readonly MlflowTestServer server = new();
    private RawMlflow http = null!;

    public async Task InitializeAsync() => http = new RawMlflow(await server.StartAsync());

    public async Task DisposeAsync()
    {
        try
        {
            // Responses only: some requests here are deliberately invalid.
            Assert.Empty(http.Recorder.CheckAgainstSpec(requests: false));
        }
        finally
        {
            http.Dispose();
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Starts_on_loopback_with_a_free_port_and_stops_on_dispose()
    {
        await using var other = new MlflowTestServer();
        var uri = await other.StartAsync();
        Assert.Equal("127.0.0.1", uri.Host);
        Assert.NotEqual(0, uri.Port);
        Assert.NotEqual(server.BaseUri.Port, uri.Port);
        using var client = new HttpClient();
        Assert.Equal("OK", await client.GetStringAsync(new Uri(uri, "/health")));
        await other.DisposeAsync();
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(new Uri(uri, "/health")));
    }

    [Fact]
    public void Every_spec_operation_is_routed_and_the_implemented_ones_are_known()
    {
        var spec = SpecIndex.Load();
        var specIds = spec.Operations.Select(o => o.OperationId).Distinct().Order(StringComparer.Ordinal).ToList();
        // NSwag capitalises operationIds into method names, so the server knows them up to the first letter's case.
        var ids = specIds.ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.Equal(specIds.Count, ids.Count);
        Assert.True(ids.SetEquals(MlflowTestServer.AllOperations));
        Assert.True(ids.IsSupersetOf(MlflowTestServer.ImplementedOperations));
        // The count the README states; change both together.
        Assert.Equal(124, MlflowTestServer.ImplementedOperations.Count);
        foreach (var id in new[] { "createExperiment", "searchRuns", "logBatch", "getMetricHistory", "createModelVersion", "setRegisteredModelAlias", "uploadArtifact", "createWebhook", "testWebhook" })
            Assert.Contains(id, MlflowTestServer.ImplementedOperations);
    }

    [Fact]
    public async Task Operations_not_implemented_answer_501_with_an_mlflow_error_body()
    {
        var answer = await http.PostAsync("/api/3.0/mlflow/traces/metrics", new { experiment_ids = new[] { "0" } });
        Assert.Equal(501, answer.Status);
        Assert.Equal("NOT_IMPLEMENTED", answer.ErrorCode);
        Assert.Equal(["error_code", "message"], answer.Json!.AsObject().Select(p => p.Key));
        var get = await http.GetAsync("/api/3.0/mlflow/gateway/endpoints/get?name=chat");
        Assert.Equal(501, get.Status);
        Assert.Equal("NOT_IMPLEMENTED", get.ErrorCode);
    }

    [Fact]
    public async Task Post_without_json_content_type_is_rejected_as_mlflow_does()
    {
        var missing = await http.SendAsync(HttpMethod.Post, "/api/2.0/mlflow/experiments/create", "{\"name\": \"x\"}", contentType: "");
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), (missing.Status, missing.ErrorCode));
        Assert.Equal("Bad Request. Content-Type header is missing.", (string?)missing.Json!["message"]);
        var text = await http.SendAsync(HttpMethod.Post, "/api/2.0/mlflow/experiments/create", "{\"name\": \"x\"}", contentType: "text/plain");
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), (text.Status, text.ErrorCode));
        var charset = await http.SendAsync(HttpMethod.Post, "/api/2.0/mlflow/experiments/create", "{\"name\": \"charset-ok\"}", contentType: "application/json; charset=utf-8");
        Assert.Equal(200, charset.Status);
        Assert.Equal("nosniff", charset.Message.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task Experiments_create_get_search_rename_tag_delete_restore()
    {
        var id = (string)(await http.PostAsync("/api/2.0/mlflow/experiments/create", new { name = "exp-a", tags = new[] { new { key = "team", value = "sdk" } } })).Json!["experiment_id"]!;
        await http.PostAsync("/api/2.0/mlflow/experiments/create", new { name = "exp-b" });
        var duplicate = await http.PostAsync("/api/2.0/mlflow/experiments/create", new { name = "exp-a" });
        Assert.Equal((400, "RESOURCE_ALREADY_EXISTS"), (duplicate.Status, duplicate.ErrorCode));
        var missing = await http.PostAsync("/api/2.0/mlflow/experiments/create", new { });
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), (missing.Status, missing.ErrorCode));
        Assert.Contains("'name'", (string?)missing.Json!["message"]);

        var got = (await http.GetAsync($"/api/2.0/mlflow/experiments/get?experiment_id={id}")).Json!["experiment"]!;
        Assert.Equal("exp-a", (string?)got["name"]);
        Assert.Equal($"mlflow-artifacts:/{id}", (string?)got["artifact_location"]);
        Assert.Equal("active", (string?)got["lifecycle_stage"]);
        Assert.True(got["creation_time"] is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number);
        Assert.Equal("0", (string?)(await http.GetAsync("/api/2.0/mlflow/experiments/get-by-name?experiment_name=Default")).Json!["experiment"]!["experiment_id"]);

        Assert.Equal((404, "RESOURCE_DOES_NOT_EXIST"), Code(await http.GetAsync("/api/2.0/mlflow/experiments/get?experiment_id=987654321")));
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), Code(await http.GetAsync("/api/2.0/mlflow/experiments/get?experiment_id=not-a-number")));
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), Code(await http.GetAsync("/api/2.0/mlflow/experiments/get")));

        var page1 = await http.PostAsync("/api/2.0/mlflow/experiments/search", new { max_results = 1, order_by = new[] { "name ASC" }, filter = "name LIKE 'exp-%'" });
        Assert.Equal("exp-a", (string?)page1.Json!["experiments"]![0]!["name"]);
        var token = (string)page1.Json["next_page_token"]!;
        Assert.Equal("{\"offset\": 1}", Encoding.UTF8.GetString(Convert.FromBase64String(token)));
        var page2 = await http.PostAsync("/api/2.0/mlflow/experiments/search", new { max_results = 1, order_by = new[] { "name ASC" }, filter = "name LIKE 'exp-%'", page_token = token });
        Assert.Equal("exp-b", (string?)page2.Json!["experiments"]![0]!["name"]);
        Assert.Null(page2.Json["next_page_token"]);
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), Code(await http.GetAsync("/api/2.0/mlflow/experiments/search")));
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), Code(await http.PostAsync("/api/2.0/mlflow/experiments/search", new { max_results = 10, filter = "name ==== 'x'" })));
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), Code(await http.PostAsync("/api/2.0/mlflow/experiments/search", new { max_results = 10, page_token = "not-a-valid-token" })));
        var byTag = await http.GetAsync("/api/2.0/mlflow/experiments/search?max_results=10&filter=tags.team%20%3D%20%27sdk%27");
        Assert.Single(byTag.Json!["experiments"]!.AsArray());

        Assert.Equal(200, (await http.PostAsync("/api/2.0/mlflow/experiments/update", new { experiment_id = id, new_name = "exp-a2" })).Status);
        Assert.Equal(200, (await http.PostAsync("/api/2.0/mlflow/experiments/set-experiment-tag", new { experiment_id = id, key = "k", value = "v" })).Status);
        Assert.Equal((404, "RESOURCE_DOES_NOT_EXIST"), Code(await http.PostAsync("/api/2.0/mlflow/experiments/delete-experiment-tag", new { experiment_id = id, key = "nope" })));
        Assert.Equal(200, (await http.PostAsync("/api/2.0/mlflow/experiments/delete", new { experiment_id = id })).Status);
        Assert.Equal("deleted", (string?)(await http.GetAsync($"/api/2.0/mlflow/experiments/get?experiment_id={id}")).Json!["experiment"]!["lifecycle_stage"]);
        var active = await http.PostAsync("/api/2.0/mlflow/experiments/search", new { max_results = 10, filter = "name = 'exp-a2'" });
        Assert.Null(active.Json!["experiments"]);
        var deleted = await http.PostAsync("/api/2.0/mlflow/experiments/search", new { max_results = 10, filter = "name = 'exp-a2'", view_type = "DELETED_ONLY" });
        Assert.Single(deleted.Json!["experiments"]!.AsArray());
        Assert.Equal(200, (await http.PostAsync("/api/2.0/mlflow/experiments/restore", new { experiment_id = id })).Status);
        Assert.Equal((404, "RESOURCE_DOES_NOT_EXIST"), Code(await http.PostAsync("/api/2.0/mlflow/experiments/delete", new { experiment_id = "424242" })));
    }

    [Fact]
    public async Task Runs_params_metrics_tags_batch_limits_and_history_paging()
    {
        var experiment = (string)(await http.PostAsync("/api/2.0/mlflow/experiments/create", new { name = "runs" })).Json!["experiment_id"]!;
        var created = await http.PostAsync("/api/2.0/mlflow/runs/create", new { experiment_id = experiment, run_name = "r1", start_time = 1000, tags = new[] { new { key = "mlflow.user", value = "me" } } });
        var info = created.Json!["run"]!["info"]!;
        var run = (string)info["run_id"]!;
        Assert.Equal(run, (string?)info["run_uuid"]);
        Assert.Equal("RUNNING", (string?)info["status"]);
        Assert.Equal($"mlflow-artifacts:/{experiment}/{run}/artifacts", (string?)info["artifact_uri"]);
        Assert.NotNull(created.Json["run"]!["inputs"]);
        Assert.Contains(created.Json["run"]!["data"]!["tags"]!.AsArray(), t => (string?)t!["key"] == "mlflow.runName" && (string?)t["value"] == "r1");
        Assert.Equal((404, "RESOURCE_DOES_NOT_EXIST"), Code(await http.PostAsync("/api/2.0/mlflow/runs/create", new { experiment_id = "987654321" })));

        Assert.Equal(200, (await http.PostAsync("/api/2.0/mlflow/runs/log-parameter", new { run_id = run, key = "lr", value = "0.01" })).Status);
        Assert.Equal(200, (await http.PostAsync("/api/2.0/mlflow/runs/log-parameter", new { run_id = run, key = "lr", value = "0.01" })).Status);
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), Code(await http.PostAsync("/api/2.0/mlflow/runs/log-parameter", new { run_id = run, key = "lr", value = "0.02" })));
        Assert.Equal(200, (await http.PostAsync("/api/2.0/mlflow/runs/set-tag", new { run_uuid = run, key = "framework", value = "none" })).Status);
        Assert.Equal((404, "RESOURCE_DOES_NOT_EXIST"), Code(await http.PostAsync("/api/2.0/mlflow/runs/delete-tag", new { run_id = run, key = "nope" })));
        for (var step = 0; step < 5; step++)
            Assert.Equal(200, (await http.PostAsync("/api/2.0/mlflow/runs/log-metric", new { run_id = run, key = "loss", value = 1.0 - step * 0.2, timestamp = 2000 + step, step })).Status);
        Assert.Equal(200, (await http.PostAsync("/api/2.0/mlflow/runs/log-metric", new JsonObject { ["run_id"] = run, ["key"] = "weird", ["value"] = "NaN", ["timestamp"] = "5" })).Status);
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), Code(await http.PostAsync("/api/2.0/mlflow/runs/log-metric", new { run_id = run, value = 1.0, timestamp = 1 })));
        Assert.Equal((404, "RESOURCE_DOES_NOT_EXIST"), Code(await http.PostAsync("/api/2.0/mlflow/runs/log-metric", new { run_id = "0123456789abcdef0123456789abcdef", key = "k", value = 1.0, timestamp = 1 })));

        var batch = new JsonObject
        {
            ["run_id"] = run,
            ["metrics"] = new JsonArray(new JsonObject { ["key"] = "acc", ["value"] = 0.5, ["timestamp"] = "3000", ["step"] = "0" }, new JsonObject { ["key"] = "acc", ["value"] = 0.875, ["timestamp"] = 3001, ["step"] = 2 }),
            ["params"] = new JsonArray(new JsonObject { ["key"] = "epochs", ["value"] = "3" }),
            ["tags"] = new JsonArray(new JsonObject { ["key"] = "stage", ["value"] = "dev" }),
        };
        Assert.Equal(200, (await http.PostAsync("/api/2.0/mlflow/runs/log-batch", batch)).Status);
        var tooMany = new JsonObject { ["run_id"] = run, ["metrics"] = new JsonArray(Enumerable.Range(0, 1001).Select(i => (JsonNode)new JsonObject { ["key"] = "m", ["value"] = i, ["timestamp"] = 1, ["step"] = i }).ToArray()) };
        var tooManyAnswer = await http.PostAsync("/api/2.0/mlflow/runs/log-batch", tooMany);
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), Code(tooManyAnswer));
        Assert.StartsWith("A batch logging request can contain at most 1000 metrics. Got 1001 metrics.", (string?)tooManyAnswer.Json!["message"]);
        var tooManyParams = new JsonObject { ["run_id"] = run, ["params"] = new JsonArray(Enumerable.Range(0, 101).Select(i => (JsonNode)new JsonObject { ["key"] = $"p{i}", ["value"] = "v" }).ToArray()) };
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), Code(await http.PostAsync("/api/2.0/mlflow/runs/log-batch", tooManyParams)));
        Assert.Equal((404, "RESOURCE_DOES_NOT_EXIST"), Code(await http.PostAsync("/api/2.0/mlflow/runs/log-batch", new { run_id = "0123456789abcdef0123456789abcdef", @params = new[] { new { key = "a", value = "b" } } })));

        var got = (await http.GetAsync($"/api/2.0/mlflow/runs/get?run_id={run}")).Json!["run"]!["data"]!;
        var acc = got["metrics"]!.AsArray().Single(m => (string?)m!["key"] == "acc")!;
        Assert.Equal(0.875, (double)acc["value"]!);
        Assert.Equal(2, (long)acc["step"]!);
        Assert.Equal("NaN", (string?)got["metrics"]!.AsArray().Single(m => (string?)m!["key"] == "weird")!["value"]);
        Assert.Equal(["lr", "epochs"], got["params"]!.AsArray().Select(p => (string)p!["key"]!));

        var all = await http.GetAsync($"/api/2.0/mlflow/metrics/get-history?run_id={run}&metric_key=loss&max_results=25000");
        Assert.Equal([1.0, 0.8, 0.6, 0.4, 0.2], all.Json!["metrics"]!.AsArray().Select(m => Math.Round((double)m!["value"]!, 6)));
        var steps = new List<long>();
        string? token = null;
        do
        {
            var page = await http.GetAsync($"/api/2.0/mlflow/metrics/get-history?run_id={run}&metric_key=loss&max_results=2" + (token is null ? "" : "&page_token=" + Uri.EscapeDataString(token)));
            steps.AddRange(page.Json!["metrics"]!.AsArray().Select(m => (long)m!["step"]!));
            token = (string?)page.Json["next_page_token"];
        }
        while (token is not null);
        Assert.Equal([0L, 1, 2, 3, 4], steps);
        var unknownRun = await http.GetAsync("/api/2.0/mlflow/metrics/get-history?run_id=0123456789abcdef0123456789abcdef&metric_key=loss&max_results=100");
        Assert.Equal(200, unknownRun.Status);
        Assert.Empty(unknownRun.Json!.AsObject());
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), Code(await http.GetAsync($"/api/2.0/mlflow/metrics/get-history?run_id={run}")));

        var updated = await http.PostAsync("/api/2.0/mlflow/runs/update", new { run_id = run, status = "FINISHED", end_time = 9000 });
        Assert.Equal("FINISHED", (string?)updated.Json!["run_info"]!["status"]);
    }

    [Fact]
    public async Task Search_runs_with_mlflow_filter_syntax_and_order_by()
    {
        var experiment = (string)(await http.PostAsync("/api/2.0/mlflow/experiments/create", new { name = "search" })).Json!["experiment_id"]!;
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var run = (string)(await http.PostAsync("/api/2.0/mlflow/runs/create", new { experiment_id = experiment, run_name = $"run-{i}", start_time = 100 + i })).Json!["run"]!["info"]!["run_id"]!;
            ids.Add(run);
            await http.PostAsync("/api/2.0/mlflow/runs/log-batch", new JsonObject
            {
                ["run_id"] = run,
                ["metrics"] = new JsonArray(new JsonObject { ["key"] = "acc", ["value"] = 0.5 + i * 0.1, ["timestamp"] = 1, ["step"] = 0 }),
                ["params"] = new JsonArray(new JsonObject { ["key"] = "model", ["value"] = i % 2 == 0 ? "Tree" : "linear" }),
                ["tags"] = new JsonArray(new JsonObject { ["key"] = "team", ["value"] = i < 2 ? "a" : "b" }),
            });
        }
        await http.PostAsync("/api/2.0/mlflow/runs/delete", new { run_id = ids[3] });

        async Task<List<string>> Names(string? filter, string[]? orderBy = null, string view = "ACTIVE_ONLY")
        {
            var answer = await http.PostAsync("/api/2.0/mlflow/runs/search", new { experiment_ids = new[] { experiment }, filter, order_by = orderBy, run_view_type = view });
            Assert.Equal(200, answer.Status);
            return answer.Json!["runs"]?.AsArray().Select(r => (string)r!["info"]!["run_name"]!).ToList() ?? [];
        }

        Assert.Equal(["run-2", "run-1", "run-0"], await Names(null));
        Assert.Equal(["run-2", "run-1"], await Names("metrics.acc > 0.55"));
        Assert.Equal(["run-1"], await Names("metrics.acc >= 0.6 and metrics.acc <= 0.65"));
        Assert.Equal(["run-2", "run-0"], await Names("metrics.acc != 0.6"));
        Assert.Equal(["run-2", "run-0"], await Names("params.model = 'Tree'"));
        Assert.Equal(["run-1"], await Names("params.model != 'Tree'"));
        Assert.Equal(["run-2", "run-0"], await Names("params.model ILIKE 'tr%'"));
        Assert.Empty(await Names("params.model LIKE 'tr%'"));
        Assert.Equal(["run-1", "run-0"], await Names("tags.team = 'a' AND attributes.status = 'RUNNING'"));
        Assert.Equal(["run-0"], await Names("attributes.run_name = 'run-0'"));
        Assert.Equal(["run-1", "run-0"], await Names("start_time < 102"));
        Assert.Equal(["run-0", "run-1", "run-2"], await Names(null, ["metrics.acc ASC"]));
        Assert.Equal(["run-1", "run-2", "run-0"], await Names(null, ["params.model DESC", "start_time DESC"]));
        Assert.Equal(["run-0", "run-2", "run-1"], await Names(null, ["params.model ASC", "start_time ASC"]));
        Assert.Equal(["run-3"], await Names(null, view: "DELETED_ONLY"));
        Assert.Equal(4, (await Names(null, view: "ALL")).Count);
        Assert.Equal(["run-1"], await Names($"attributes.run_id IN ('{ids[1]}', 'nope')"));

        var bad = await http.PostAsync("/api/2.0/mlflow/runs/search", new { experiment_ids = new[] { experiment }, filter = "metrics.acc >>> 1" });
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), Code(bad));
        Assert.Equal("Invalid comparator '>>>' not one of '{'<=', '<', '>', '=', '!=', '>='}", (string?)bad.Json!["message"]);
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), Code(await http.PostAsync("/api/2.0/mlflow/runs/search", new { experiment_ids = new[] { experiment }, filter = "metrics.acc > 1 OR metrics.acc < 0" })));
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), Code(await http.PostAsync("/api/2.0/mlflow/runs/search", new { experiment_ids = new[] { experiment }, page_token = "garbage!" })));
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), Code(await http.PostAsync("/api/2.0/mlflow/runs/search", new { experiment_ids = new[] { experiment }, max_results = 50001 })));

        var first = await http.PostAsync("/api/2.0/mlflow/runs/search", new { experiment_ids = new[] { experiment }, max_results = 2 });
        var second = await http.PostAsync("/api/2.0/mlflow/runs/search", new { experiment_ids = new[] { experiment }, max_results = 2, page_token = (string)first.Json!["next_page_token"]! });
        Assert.Single(second.Json!["runs"]!.AsArray());
        Assert.Null(second.Json["next_page_token"]);
    }

    [Fact]
    public async Task Artifact_proxy_upload_list_download_delete_with_nested_paths()
    {
        var experiment = (string)(await http.PostAsync("/api/2.0/mlflow/experiments/create", new { name = "artifacts" })).Json!["experiment_id"]!;
        var run = (string)(await http.PostAsync("/api/2.0/mlflow/runs/create", new { experiment_id = experiment })).Json!["run"]!["info"]!["run_id"]!;
        var root = $"{experiment}/{run}/artifacts";
        var text = "hello wire corpus\nsecond line: ünïcödé ✓\n";
        var upload = await http.SendAsync(HttpMethod.Put, $"/api/2.0/mlflow-artifacts/artifacts/{root}/notes/readme.txt", text, "text/plain");
        Assert.True(upload.Status == 200, upload.Text);
        Assert.Equal(200, (await http.SendAsync(HttpMethod.Put, $"/api/2.0/mlflow-artifacts/artifacts/{root}/data/nested/deep/values.json", "{\"a\": 1}", "application/json")).Status);
        var binary = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        Assert.Equal(200, (await http.SendAsync(HttpMethod.Put, $"/api/2.0/mlflow-artifacts/artifacts/{root}/model/model.bin", binary, "")).Status);

        var list = await http.GetAsync($"/api/2.0/mlflow-artifacts/artifacts?path={Uri.EscapeDataString(root)}");
        Assert.Equal(["data", "model", "notes"], list.Json!["files"]!.AsArray().Select(f => (string)f!["path"]!));
        Assert.All(list.Json["files"]!.AsArray(), f => Assert.True((bool)f!["is_dir"]!));
        var runList = await http.GetAsync($"/api/2.0/mlflow/artifacts/list?run_id={run}&path=data%2Fnested");
        Assert.Equal($"mlflow-artifacts:/{root}", (string?)runList.Json!["root_uri"]);
        Assert.Equal("data/nested/deep", (string?)runList.Json["files"]![0]!["path"]);
        var files = await http.GetAsync($"/api/2.0/mlflow/artifacts/list?run_id={run}&path=model");
        Assert.Equal(256, (long)files.Json!["files"]![0]!["file_size"]!);
        Assert.Equal((404, "RESOURCE_DOES_NOT_EXIST"), Code(await http.GetAsync("/api/2.0/mlflow/artifacts/list?run_id=0123456789abcdef0123456789abcdef")));

        var download = await http.GetAsync($"/api/2.0/mlflow-artifacts/artifacts/{root}/notes/readme.txt");
        Assert.Equal(text, download.Text);
        Assert.Equal("text/plain", download.MediaType);
        Assert.Equal("attachment; filename=readme.txt", download.Message.Content.Headers.ContentDisposition!.ToString());
        var bytes = await http.GetAsync($"/api/2.0/mlflow-artifacts/artifacts/{root}/model/model.bin");
        Assert.Equal(binary, bytes.Bytes);
        Assert.Equal("application/octet-stream", bytes.MediaType);
        Assert.Equal(text, (await http.GetAsync($"/get-artifact?path=notes/readme.txt&run_uuid={run}")).Text);
        Assert.Equal((404, "RESOURCE_DOES_NOT_EXIST"), Code(await http.GetAsync($"/get-artifact?path=nope.txt&run_uuid={run}")));

        var traversal = await http.SendAsync(HttpMethod.Put, $"/api/2.0/mlflow-artifacts/artifacts/{root}/..%2F..%2Fescape.txt", "x", "text/plain");
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), Code(traversal));
        Assert.Equal("Invalid path", (string?)traversal.Json!["message"]);

        Assert.Equal(200, (await http.DeleteAsync($"/api/2.0/mlflow-artifacts/artifacts/{root}/notes/readme.txt")).Status);
        Assert.Equal(404, (await http.GetAsync($"/api/2.0/mlflow-artifacts/artifacts/{root}/notes/readme.txt")).Status);
        var mpu = await http.PostAsync($"/api/2.0/mlflow-artifacts/mpu/create/{root}/big.bin", new { path = $"{root}/big.bin", num_parts = 2 });
        Assert.Equal((501, "NOT_IMPLEMENTED"), Code(mpu));
    }

    [Fact]
    public async Task Foreign_host_and_cross_origin_writes_are_refused_as_mlflow_does()
    {
        using var client = new HttpClient();
        using var badHost = new HttpRequestMessage(HttpMethod.Get, new Uri(server.BaseUri, "/api/2.0/mlflow/experiments/search?max_results=1"));
        badHost.Headers.Host = "evil.example";
        using var refused = await client.SendAsync(badHost);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("text/plain", refused.Content.Headers.ContentType!.MediaType);
        Assert.Equal("Invalid Host header - possible DNS rebinding attack detected", await refused.Content.ReadAsStringAsync());

        using var crossOrigin = new HttpRequestMessage(HttpMethod.Post, new Uri(server.BaseUri, "/api/2.0/mlflow/experiments/create"))
        {
            Content = new StringContent("{\"name\": \"from-evil\"}", Encoding.UTF8, "application/json"),
        };
        crossOrigin.Headers.Add("Origin", "https://evil.example");
        using var blocked = await client.SendAsync(crossOrigin);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, blocked.StatusCode);
        Assert.Equal("Cross-origin request blocked", await blocked.Content.ReadAsStringAsync());

        using var sameOrigin = new HttpRequestMessage(HttpMethod.Post, new Uri(server.BaseUri, "/api/2.0/mlflow/experiments/create"))
        {
            Content = new StringContent("{\"name\": \"from-ui\"}", Encoding.UTF8, "application/json"),
        };
        sameOrigin.Headers.Add("Origin", server.BaseUri.GetLeftPart(UriPartial.Authority));
        using var allowed = await client.SendAsync(sameOrigin);
        Assert.Equal(System.Net.HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task Request_fields_may_be_lower_camel_case_and_unknown_fields_are_ignored()
    {
        await http.PostAsync("/api/2.0/mlflow/experiments/create", new { name = "camel-a" });
        await http.PostAsync("/api/2.0/mlflow/experiments/create", new { name = "camel-b" });
        var page = await http.PostAsync("/api/2.0/mlflow/experiments/search", new JsonObject { ["maxResults"] = 1, ["orderBy"] = new JsonArray("name DESC"), ["filter"] = "name LIKE 'camel-%'", ["noSuchField"] = true });
        Assert.Equal(200, page.Status);
        Assert.Equal("camel-b", (string?)page.Json!["experiments"]![0]!["name"]);
        Assert.NotNull(page.Json["next_page_token"]);
        var run = await http.PostAsync("/api/2.0/mlflow/runs/create", new JsonObject { ["experimentId"] = "0", ["runName"] = "camel-run" });
        Assert.Equal("camel-run", (string?)run.Json!["run"]!["info"]!["run_name"]);
        Assert.Equal("0", (string?)run.Json["run"]!["info"]!["experiment_id"]);
    }

    private static (int, string?) Code(RawAnswer answer) => (answer.Status, answer.ErrorCode);
}
