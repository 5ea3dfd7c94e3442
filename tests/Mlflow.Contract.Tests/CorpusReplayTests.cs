using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Mlflow.Contract.Tests.Infrastructure;
using Mlflow.Testing;
using Mlflow.TestSupport;

namespace Mlflow.Contract.Tests;

/// <summary>
/// Replays the recorded real exchanges of the areas the embedded server implements (experiments, runs, metrics,
/// artifacts, registry, aliases, prompts, webhooks, logged models, datasets, scorers, and the implemented operations
/// of misc), byte for byte and in recorded order, against a fresh embedded server, mapping the recorded ids (runs,
/// webhooks, logged models, datasets, dataset records) to the live ones. Each answer must have the recorded status, the
/// recorded <c>error_code</c> for error cases, and the same fields as the recorded body (objects compared key by
/// key, arrays by their first item). Known differences are listed, each with its reason, so that a new one fails.
/// </summary>
public sealed partial class CorpusReplayTests
{
    private static readonly string[] Areas = ["experiments", "runs", "metrics", "artifacts", "registry", "aliases", "prompts", "webhooks", "misc", "logged-models", "datasets", "scorers", "traces", "assessments"];

    /// <summary>Exchange name to why the embedded server answers differently (see the README's "knowingly differs").</summary>
    private static readonly Dictionary<string, string> KnownDifferences = new(StringComparer.Ordinal)
    {
        ["log-batch-nan-infinity-bare-tokens"] = "bare NaN/Infinity tokens are not JSON: 400 here, MLflow answers 200 and stores mangled values",
        ["get-history-bare-nan"] = "follows from the rejected bare-token batch: no such metric here",
        ["get-history-wrong-type"] = "a metric value \"abc\" is rejected here (400); MLflow stores it (in an exchange outside the corpus)",
        ["get-history-without-max-results-is-empty"] = "without max_results the whole history comes back (the proto's documented behaviour); MLflow 3.11.2.dev0 answers no metrics",
        ["get-history-max-results-not-int-quirk"] = "a non-integer max_results is a 400 here; MLflow ignores it",
        ["post-json-charset-content-type"] = "search over the whole server: the recorded one also holds experiments made by areas this replay skips",
        ["unknown-request-fields-ignored"] = "search over the whole server: the recorded one also holds experiments made by areas this replay skips",
        ["err-bad-host-header"] = "the corpus does not keep the Host header that was sent, so the replay cannot send it (EmbeddedServerTests covers the guard)",
        ["err-cross-origin-post"] = "the corpus does not keep the Origin header that was sent, so the replay cannot send it (EmbeddedServerTests covers the guard)",
        ["err-create-unknown-enum"] = "an unknown enum name is a 400 INVALID_PARAMETER_VALUE here; MLflow answers an HTML 500",
        ["err-search-invalid-filter"] = "a dataset filter that does not parse is a 400 INVALID_PARAMETER_VALUE here; MLflow answers 500 INTERNAL_ERROR",
        ["err-upsert-records-not-json"] = "records that are not JSON are a 400 INVALID_PARAMETER_VALUE here; MLflow answers an HTML 500",
    };

    private static readonly string[] NotInCorpus = ["deleteDataset", "deleteDatasetTag", "getLoggedModelArtifact", "setModelVersionTag", "updateRegisteredModel"];

    [Fact]
    public async Task Recorded_exchanges_replay_with_the_same_statuses_error_codes_and_fields()
    {
        await using var server = new MlflowTestServer();
        var baseUri = await server.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        using var http = new RawMlflow(baseUri);
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        var problems = new List<string>();
        var replayed = 0;
        var known = new List<string>();
        var covered = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var implemented = MlflowTestServer.ImplementedOperations.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var spec = SpecIndex.Load();

        foreach (var exchange in WireCorpus.Exchanges.Where(e => e.Server == "main" && Areas.Contains(e.Area)))
        {
            var op = spec.Resolve(exchange.Method, exchange.Path);
            if (op is null || !implemented.Contains(op.OperationId)) continue;
            replayed++;
            covered.Add(op.OperationId);
            await FillGap(http, exchange.Id, ids);
            var answer = await Replay(http, exchange, ids, receiver.BaseUri);
            var expected = exchange.Response;
            var difference = Compare(exchange, answer);
            Learn(expected["body"], answer.Json, ids);
            if (difference is null) continue;
            if (KnownDifferences.ContainsKey(exchange.Name) || TraceKnownDifferences.ContainsKey(exchange.Name))
            {
                known.Add(exchange.Name);
                continue;
            }
            problems.Add($"{exchange.Id} {exchange.Name}: {difference}" + (Environment.GetEnvironmentVariable("REPLAY_DEBUG") == "1" ? $"\n   sent {exchange.Method} {exchange.Path}?{exchange.Request["raw_query"]}\n   got {Short(answer.Text)}" : ""));
        }

        Assert.True(replayed > 100, $"only {replayed} exchanges replayed");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        // Every implemented operation has recorded exchanges, except these (the corpus records their other twin, or the
        // recording server had nothing to answer): they are exercised by the other tests of this project.
        Assert.Equal(NotInCorpus.Concat(TraceNotInCorpus).Order(StringComparer.OrdinalIgnoreCase), implemented.Except(covered, StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase));
        // The embedded server's answers fit the spec (the recorded requests were checked by the spec tests).
        Assert.Empty(http.Recorder.CheckAgainstSpec(requests: false));
        // A listed difference that no longer shows up must leave the list.
        Assert.Equal(KnownDifferences.Keys.Concat(TraceKnownDifferences.Keys).Order(StringComparer.Ordinal), known.Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// The corpus leaves out some set-up exchanges (its numbering has gaps); the state they created is made here, just
    /// before the first recorded exchange that relies on it.
    /// </summary>
    private static async Task FillGap(RawMlflow http, string beforeId, Dictionary<string, string> ids)
    {
        switch (beforeId)
        {
            case "0008":
                await http.PostAsync("/api/2.0/mlflow/experiments/create", new { name = "wire-exp-c" });
                break;
            case "0059":
                await http.PostAsync("/api/2.0/mlflow/runs/log-batch", new
                {
                    run_id = Substitute("977a7df01a09461b8bbd890ce1ca605e", ids),
                    metrics = new[] { new { key = "acc", value = 0.5, timestamp = 1795386973183L, step = 1 }, new { key = "acc", value = 0.875, timestamp = 1795386973184L, step = 2 } },
                    @params = new[] { new { key = "epochs", value = "3" }, new { key = "optimizer", value = "adam" } },
                    tags = new[] { new { key = "framework", value = "none" } },
                });
                break;
            case "0085":
                await http.PostAsync("/api/2.0/mlflow/runs/log-metric", new { run_id = Substitute("977a7df01a09461b8bbd890ce1ca605e", ids), key = "loss", value = 0.6, timestamp = 1795386975072L, step = 2 });
                break;
            case "0079":
                var run = (string)(await http.PostAsync("/api/2.0/mlflow/runs/create", new { experiment_id = "1", start_time = 0 })).Json!["run"]!["info"]!["run_id"]!;
                await http.PostAsync("/api/2.0/mlflow/runs/delete", new { run_id = run });
                ids["f7af6644744a491997d7aab63f22157d"] = run;
                break;
            case "0175":
                await http.PostAsync("/api/2.0/mlflow/runs/update", new { run_id = Substitute("977a7df01a09461b8bbd890ce1ca605e", ids), status = "FINISHED", end_time = 1795386978269L, run_name = "wire-run-1-final" });
                break;
            case "0124":
                var bytes = WireExchange.RawBytes(WireCorpus.Exchanges.Single(e => e.Id == "0124").Response);
                await http.SendAsync(HttpMethod.Put, Substitute("/api/2.0/mlflow-artifacts/artifacts/1/977a7df01a09461b8bbd890ce1ca605e/artifacts/model/weights.bin", ids), bytes, "application/octet-stream");
                break;
            case "0210":
                await http.PostAsync("/api/2.0/mlflow/registered-models/create", new { name = "wire-model-c" });
                break;
            case "0263":
                await http.PostAsync("/api/2.0/mlflow/model-versions/create", new
                {
                    name = "wire-prompt-text",
                    source = "prompt-template",
                    description = "v2 chat",
                    tags = new[]
                    {
                        new { key = "mlflow.prompt.is_prompt", value = "true" },
                        new { key = "mlflow.prompt.text", value = "[{\"role\": \"user\", \"content\": \"Hi {{name}}\"}]" },
                        new { key = "_mlflow_prompt_type", value = "chat" },
                    },
                });
                break;
            case "0181":
                var dataset = await http.PostAsync("/api/3.0/mlflow/datasets/create", new { name = "wire-eval-ds", experiment_ids = new[] { "1" }, tags = "{\"team\": \"sdk\", \"stage\": \"dev\"}" });
                ids["d-e1221c26c9a5457fafc4e9578aaf1548"] = (string?)dataset.Json?["dataset"]?["dataset_id"] ?? throw new InvalidOperationException(dataset.Text);
                break;
            case "0191":
                await http.DeleteAsync(Substitute("/api/3.0/mlflow/datasets/d-e1221c26c9a5457fafc4e9578aaf1548/tags/owner", ids));
                break;
            case "0201":
                await http.DeleteAsync(Substitute("/api/3.0/mlflow/datasets/d-fedc0e420c554ef7a8604f8a4e92d96c", ids));
                break;
            case "0314":
                await http.DeleteAsync(Substitute("/api/2.0/mlflow/webhooks/58d89d38-b93c-434d-a5ee-e11ea1665889", ids));
                break;
            default:
                await FillTraceGapAsync(http, beforeId, ids); // CorpusReplayTests.Traces.cs
                break;
        }
    }

    private static async Task<RawAnswer> Replay(RawMlflow http, WireExchange exchange, Dictionary<string, string> ids, Uri receiver)
    {
        var request = exchange.Request;
        var path = Substitute((string)request["path"]!, ids);
        var query = Substitute((string?)request["raw_query"] ?? "", ids);
        var contentType = WireExchange.Header(request, "content-type") ?? "";
        object? body = null;
        var raw = WireExchange.RawBytes(request);
        if (raw.Length > 0)
        {
            var text = (string?)request["raw_body_encoding"] == "base64" ? null : Encoding.UTF8.GetString(raw);
            body = text is null ? raw : Substitute(ReceiverUrl().Replace(text, receiver.ToString().TrimEnd('/')), ids);
        }
        // OTLP ingestion takes its experiment from a header (the only recorded request header a route reads).
        var headers = WireExchange.Header(request, "x-mlflow-experiment-id") is { } experiment ? new Dictionary<string, string> { ["x-mlflow-experiment-id"] = experiment } : null;
        return await http.SendAsync(new HttpMethod(exchange.Method), path + (query.Length > 0 ? "?" + query : ""), body, contentType, headers);
    }

    /// <summary>
    /// Learns recorded-to-live id pairs from create answers (run, webhook, logged model, dataset, v2 trace and assessment ids) and from
    /// dataset record pages (records matched by their inputs).
    /// </summary>
    private static void Learn(JsonNode? recorded, JsonNode? live, Dictionary<string, string> ids)
    {
        var picks = new (string[] Path, string Key)[] { (["run", "info"], "run_id"), (["webhook"], "webhook_id"), (["model", "info"], "model_id"), (["dataset"], "dataset_id"), (["trace_info"], "request_id"), (["assessment"], "assessment_id") };
        foreach (var (path, pick) in picks)
        {
            var r = path.Aggregate(recorded, (n, k) => n?[k]);
            var l = path.Aggregate(live, (n, k) => n?[k]);
            if ((string?)r?[pick] is { } from && (string?)l?[pick] is { } to) ids[from] = to;
        }
        if ((string?)recorded?["records"] is { } recordedRecords && (string?)live?["records"] is { } liveRecords)
        {
            var liveByInputs = JsonNode.Parse(liveRecords)!.AsArray().ToDictionary(r => r!["inputs"]!.ToJsonString(), r => (string)r!["dataset_record_id"]!);
            foreach (var record in JsonNode.Parse(recordedRecords)!.AsArray())
                if (liveByInputs.TryGetValue(record!["inputs"]!.ToJsonString(), out var to)) ids[(string)record["dataset_record_id"]!] = to;
        }
    }

    private static string Substitute(string text, Dictionary<string, string> ids)
    {
        foreach (var (from, to) in ids) text = text.Replace(from, to, StringComparison.Ordinal);
        return text;
    }

    private static string? Compare(WireExchange exchange, RawAnswer answer)
    {
        if (answer.Status != exchange.Status) return $"status {answer.Status} (recorded {exchange.Status}): {Short(answer.Text)}";
        var recorded = exchange.Response["body"];
        if (exchange.Status >= 400)
        {
            var code = (string?)recorded?["error_code"];
            return code is not null && code != answer.ErrorCode ? $"error_code {answer.ErrorCode} (recorded {code})" : null;
        }
        if (recorded is null) return null;
        if (answer.Json is null) return $"no JSON body (recorded {Short(recorded.ToJsonString())})";
        var differences = new List<string>();
        Shape(recorded, answer.Json, "$", differences);
        return differences.Count == 0 ? null : string.Join("; ", differences);
    }

    /// <summary>Same fields present: objects key by key, arrays by their first items.</summary>
    private static void Shape(JsonNode recorded, JsonNode live, string where, List<string> differences)
    {
        switch (recorded)
        {
            case JsonObject r when live is JsonObject l:
                foreach (var key in r.Select(p => p.Key).Except(l.Select(p => p.Key))) differences.Add($"{where}.{key} missing");
                foreach (var key in l.Select(p => p.Key).Except(r.Select(p => p.Key))) differences.Add($"{where}.{key} extra");
                foreach (var (key, value) in r)
                    if (value is not null && l[key] is { } other) Shape(value, other, $"{where}.{key}", differences);
                break;
            case JsonArray r when live is JsonArray l:
                if (r.Count > 0 && l.Count > 0 && r[0] is { } first && l[0] is { } firstLive) Shape(first, firstLive, where + "[0]", differences);
                else if (r.Count > 0 != l.Count > 0) differences.Add($"{where}: {l.Count} items (recorded {r.Count})");
                break;
            case JsonObject or JsonArray:
                differences.Add($"{where}: {live.GetValueKind()} (recorded {recorded.GetValueKind()})");
                break;
        }
    }

    private static string Short(string text) => text.Length <= 200 ? text : text[..200] + "...";

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+")]
    private static partial Regex ReceiverUrl();
}
