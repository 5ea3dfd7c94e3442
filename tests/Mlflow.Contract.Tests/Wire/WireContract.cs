using System.Text.Json.Nodes;
using Mlflow.Contract.Tests.Infrastructure;

namespace Mlflow.Contract.Tests.Wire;

/// <summary>
/// Base of the wire-level contract tests: plain JSON over HttpClient against the server under test (the embedded one,
/// or a real MLflow when <c>MLFLOW_TRACKING_URI</c> is set), so that they do not depend on the facade. Everything they
/// assert is what MLflow 3.11 answers (its code and the recorded corpus), never an embedded-only behaviour; names are
/// unique per run because a real server keeps its data. Every answer is checked against the spec at the end.
/// </summary>
public abstract class WireContract : IClassFixture<TrackingServer>, IDisposable
{
    protected WireContract(TrackingServer server)
    {
        Server = server;
        Http = new RawMlflow(server.Uri);
    }

    protected TrackingServer Server { get; }

    protected RawMlflow Http { get; }

    public void Dispose()
    {
        GC.SuppressFinalize(this);
        try
        {
            // Answers only: some requests are deliberately invalid.
            Assert.Empty(Http.Recorder.CheckAgainstSpec(requests: false));
        }
        finally
        {
            Http.Dispose();
        }
    }

    /// <summary>Expects a 200 and returns the JSON body (an empty object when there is none).</summary>
    protected static async Task<JsonNode> Ok(Task<RawAnswer> call)
    {
        var answer = await call;
        Assert.True(answer.Status == 200, $"expected 200, got {answer.Status}: {answer.Text}");
        return answer.Json ?? new JsonObject();
    }

    /// <summary>Expects an MLflow error answer with this status and code; returns its message.</summary>
    protected static async Task<string> Fails(Task<RawAnswer> call, int status, string code)
    {
        var answer = await call;
        Assert.True(answer.Status == status && answer.ErrorCode == code, $"expected {status} {code}, got {answer.Status}: {answer.Text}");
        return (string?)answer.Json!["message"] ?? "";
    }

    protected async Task<string> NewExperiment(string prefix) =>
        (string)(await Ok(Http.PostAsync("/api/2.0/mlflow/experiments/create", new { name = TrackingServer.Unique(prefix) })))["experiment_id"]!;

    protected async Task<string> NewRun(string experimentId, long? startTime = null, string? name = null) =>
        (string)(await Ok(Http.PostAsync("/api/2.0/mlflow/runs/create", new { experiment_id = experimentId, start_time = startTime ?? Now(), run_name = name })))["run"]!["info"]!["run_id"]!;

    protected async Task<JsonNode> GetRun(string runId) => (await Ok(Http.GetAsync($"/api/2.0/mlflow/runs/get?run_id={runId}")))["run"]!;

    protected static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    protected static string Q(string value) => Uri.EscapeDataString(value);

    /// <summary>The items of a JSON array field (none when the field is absent, as MLflow omits empty lists).</summary>
    protected static List<JsonNode> Items(JsonNode? node, string field) => node?[field] is JsonArray array ? array.Select(n => n!).ToList() : [];

    protected static string? Tag(JsonNode? owner, string key, string field = "tags") =>
        Items(owner, field).Where(t => (string?)t["key"] == key).Select(t => (string?)t["value"]).FirstOrDefault();
}
