using Microsoft.Data.Sqlite;

namespace Mlflow.Testing.Tests;

/// <summary>
/// Where the embedded server knowingly answers differently from MLflow 3.11: one test per item of the list in
/// src/Mlflow.Testing/README.md ("Where it knowingly differs from MLflow"), so that a change of behaviour shows.
/// </summary>
public sealed class KnownDifferencesTests : IAsyncLifetime
{
    private readonly MlflowTestServer server = new();
    private TestHttp http = null!;

    public async Task InitializeAsync() => http = new TestHttp(await server.StartAsync());

    public async Task DisposeAsync()
    {
        http.Dispose();
        await server.DisposeAsync();
    }

    private async Task<string> NewRun()
    {
        var experiment = (string)(await http.Post("/api/2.0/mlflow/experiments/create", new { name = "d-" + Guid.NewGuid().ToString("N")[..8] })).Ok()["experiment_id"]!;
        return (string)(await http.Post("/api/2.0/mlflow/runs/create", new { experiment_id = experiment })).Ok()["run"]!["info"]!["run_id"]!;
    }

    /// <summary>1. Requests are strict JSON with the spec's types (MLflow 3.11 answers 200 and mangles or ignores the value).</summary>
    [Fact]
    public async Task Bare_nan_tokens_and_wrongly_typed_values_are_refused()
    {
        var run = await NewRun();
        var bare = await http.Post("/api/2.0/mlflow/runs/log-batch", $"{{\"run_id\":\"{run}\",\"metrics\":[{{\"key\":\"m\",\"value\":NaN,\"timestamp\":1}}]}}");
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), (bare.Status, bare.ErrorCode));
        var text = await http.Post("/api/2.0/mlflow/runs/log-metric", new { run_id = run, key = "m", value = "abc", timestamp = 1 });
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), (text.Status, text.ErrorCode));
        var max = await http.Get($"/api/2.0/mlflow/metrics/get-history?run_id={run}&metric_key=m&max_results=two");
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), (max.Status, max.ErrorCode));
    }

    /// <summary>2. An unknown name in a required enum field is a 400 (MLflow answers an HTML 500).</summary>
    [Fact]
    public async Task An_unknown_name_in_a_required_enum_is_a_400()
    {
        var answer = await http.Post("/api/2.0/mlflow/webhooks", new { name = "h", url = "http://127.0.0.1:9/h", events = new[] { new { entity = "SPACESHIP", action = "CREATED" } } });
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), (answer.Status, answer.ErrorCode));
    }

    /// <summary>3. get-history without max_results answers the whole history (MLflow 3.11: no metrics and a next_page_token).</summary>
    [Fact]
    public async Task Metric_history_without_max_results_is_the_whole_history()
    {
        var run = await NewRun();
        for (var step = 0; step < 3; step++) (await http.Post("/api/2.0/mlflow/runs/log-metric", new { run_id = run, key = "m", value = step, timestamp = step, step })).Ok();
        var history = (await http.Get($"/api/2.0/mlflow/metrics/get-history?run_id={run}&metric_key=m")).Ok();
        Assert.Equal(3, history["metrics"]!.AsArray().Count);
        Assert.Null(history["next_page_token"]);
    }

    /// <summary>4. Error messages carry no database text (MLflow appends the SQLite integrity error to some).</summary>
    [Fact]
    public async Task Duplicate_names_are_reported_without_database_text()
    {
        (await http.Post("/api/2.0/mlflow/experiments/create", new { name = "twice" })).Ok();
        var again = await http.Post("/api/2.0/mlflow/experiments/create", new { name = "twice" });
        Assert.Equal((400, "RESOURCE_ALREADY_EXISTS", "Experiment(name=twice) already exists."), (again.Status, again.ErrorCode, (string?)again.Json!["message"]));
    }

    /// <summary>5. Unknown paths answer a JSON 404 <c>ENDPOINT_NOT_FOUND</c> (Flask answers an HTML page).</summary>
    [Fact]
    public async Task Unknown_paths_answer_a_json_404()
    {
        var answer = await http.Get("/api/2.0/mlflow/no-such-route");
        Assert.Equal((404, "ENDPOINT_NOT_FOUND"), (answer.Status, answer.ErrorCode));
    }

    /// <summary>
    /// 6. Webhook URLs may be http and private addresses without configuration, changes apply at once (MLflow caches
    /// the list up to 60 s), and secrets are kept in clear, in the data directory too (MLflow encrypts them).
    /// </summary>
    [Fact]
    public async Task Webhooks_take_private_http_urls_apply_at_once_and_keep_secrets_in_clear()
    {
        var hook = (await http.Post("/api/2.0/mlflow/webhooks", new
        {
            name = "private",
            url = "http://10.0.0.1:8080/hook",
            events = new[] { new { entity = "REGISTERED_MODEL", action = "CREATED" } },
            secret = "plain-secret",
        })).Ok()["webhook"]!;
        var id = (string)hook["webhook_id"]!;
        (await http.Patch($"/api/2.0/mlflow/webhooks/{id}", new { status = "DISABLED" })).Ok();
        Assert.Equal("DISABLED", (string?)(await http.Get("/api/2.0/mlflow/webhooks")).Ok()["webhooks"]![0]!["status"]);

        using var directory = new TempDirectory();
        await using (var persistent = new MlflowTestServer(new MlflowTestServerOptions { DataDirectory = directory.Path }))
        {
            using var client = new TestHttp(await persistent.StartAsync());
            (await client.Post("/api/2.0/mlflow/webhooks", new { name = "kept", url = "http://127.0.0.1:9/h", events = new[] { new { entity = "MODEL_VERSION", action = "CREATED" } }, secret = "plain-secret" })).Ok();
        }
        using var connection = new SqliteConnection($"Data Source={Path.Combine(directory.Path, "mlflow.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT body FROM documents WHERE kind = 'webhook'";
        Assert.Contains("plain-secret", (string)command.ExecuteScalar()!);
    }

    /// <summary>7. A dataset filter that does not parse, or records that are not JSON, are a 400 (MLflow answers a 500).</summary>
    [Fact]
    public async Task Unparsable_dataset_filters_and_records_are_a_400()
    {
        var dataset = (string)(await http.Post("/api/3.0/mlflow/datasets/create", new { name = "ds" })).Ok()["dataset"]!["dataset_id"]!;
        var filter = await http.Post("/api/3.0/mlflow/datasets/search", new { filter_string = "name ~~ 'x'" });
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), (filter.Status, filter.ErrorCode));
        var records = await http.Post($"/api/3.0/mlflow/datasets/{dataset}/records", new { records = "[{broken" });
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), (records.Status, records.ErrorCode));
    }

    /// <summary>8. Search results that tie on every ordering key come by id (MLflow leaves their order to the database).</summary>
    [Fact]
    public async Task Search_ties_come_in_id_order()
    {
        var experiment = (string)(await http.Post("/api/2.0/mlflow/experiments/create", new { name = "ties" })).Ok()["experiment_id"]!;
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
            ids.Add((string)(await http.Post("/api/2.0/mlflow/runs/create", new { experiment_id = experiment, start_time = 42 })).Ok()["run"]!["info"]!["run_id"]!);
        var found = (await http.Post("/api/2.0/mlflow/runs/search", new { experiment_ids = new[] { experiment } })).Ok()["runs"]!.AsArray().Select(r => (string)r!["info"]!["run_id"]!);
        Assert.Equal(ids.Order(StringComparer.Ordinal), found);
    }

    /// <summary>9. server-info names the store: <c>InMemory</c> without a data directory (MLflow names its backend, <c>SqlStore</c>).</summary>
    [Fact]
    public async Task Server_info_names_the_in_memory_store()
    {
        Assert.Equal("InMemory", (string?)(await http.Get("/api/3.0/mlflow/server-info")).Ok()["store_type"]);
    }
}
