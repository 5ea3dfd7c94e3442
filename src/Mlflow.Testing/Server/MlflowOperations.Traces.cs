using System.Security.Cryptography;

namespace Mlflow.Testing.Server;

/// <summary>
/// Traces: OTLP span ingestion (<see cref="LogSpans"/>, called by <see cref="OtlpIngestionMiddleware"/>), the v3 trace
/// routes (start, get info, get with spans, batch get, search, tags, delete, link to run) and their v2 twins, and the
/// UI's span download (<c>get-trace-artifact</c>). Trace info is derived from the spans as MLflow's SQL store does
/// unless a client sent it with <c>StartTraceV3</c> (then it is final, <c>mlflow.trace.infoFinalized</c>).
/// </summary>
internal sealed partial class MlflowOperations
{
    // The operations (overrides of the generated base); each runs its handler below under the state lock.
    public override Task<ActionResult<G.StartTraceV3Response>> StartTraceV3Async(G.StartTraceV3 body) => Write(() => StartTraceV3Core(body));
    public override Task<ActionResult<G.GetTraceInfoV3Response>> GetTraceInfoV3Async(string trace_id) => Read(() => GetTraceInfoV3Core(trace_id));
    public override Task<ActionResult<G.GetTraceResponse>> GetTraceAsync(string trace_id, bool? allow_partial) => Read(() => GetTraceCore(trace_id, allow_partial));
    public override Task<ActionResult<G.BatchGetTracesResponse>> BatchGetTracesAsync(IEnumerable<string>? trace_ids) => Read(() => BatchGetTracesCore(trace_ids));
    public override Task<ActionResult<G.BatchGetTraceInfosResponse>> BatchGetTraceInfosAsync(G.BatchGetTraceInfos? body) => Read(() => BatchGetTraceInfosCore(body));
    public override Task<ActionResult<G.SearchTracesV3Response>> SearchTracesV3Async(G.SearchTracesV3? body) => Read(() => SearchTracesV3Core(body));
    public override Task<ActionResult<G.SetTraceTagV3Response>> SetTraceTagV3Async(G.SetTraceTagV3? body, string trace_id) => Write(() => SetTraceTagV3Core(body, trace_id));
    public override Task<ActionResult<G.DeleteTraceTagV3Response>> DeleteTraceTagV3Async(G.DeleteTraceTagV3? body, string trace_id) => Write(() => DeleteTraceTagV3Core(body, trace_id));
    public override Task<ActionResult<G.DeleteTracesV3Response>> DeleteTracesV3Async(G.DeleteTracesV3 body) => Write(() => DeleteTracesV3Core(body));
    public override Task<ActionResult<G.LinkTracesToRunResponse>> LinkTracesToRunAsync(G.LinkTracesToRun body) => Write(() => LinkTracesToRunCore(body));
    public override Task<IActionResult> ExportOtlpTracesAsync(string x_mlflow_experiment_id, string? content_Encoding, G.OtlpExportTraceServiceRequest body) => Task.FromResult(ExportOtlpTracesCore(x_mlflow_experiment_id, content_Encoding, body));
    public override Task<IActionResult> GetTraceArtifactAsync(string request_id, string? path) => Task.FromResult(GetTraceArtifactCore(request_id, path));
    public override Task<IActionResult> GetTraceArtifactV3Async(string request_id, string? path) => Task.FromResult(GetTraceArtifactV3Core(request_id, path));
    public override Task<ActionResult<G.StartTraceResponse>> StartTraceAsync(G.StartTrace? body) => Write(() => StartTraceCore(body));
    public override Task<ActionResult<G.EndTraceResponse>> EndTraceAsync(G.EndTrace? body, string request_id) => Write(() => EndTraceCore(body, request_id));
    public override Task<ActionResult<G.GetTraceInfoResponse>> GetTraceInfoAsync(string request_id) => Read(() => GetTraceInfoCore(request_id));
    public override Task<ActionResult<G.SearchTracesResponse>> SearchTracesAsync(IEnumerable<string>? experiment_ids, string? filter, int? max_results, IEnumerable<string>? order_by, string? page_token) => Read(() => SearchTracesCore(experiment_ids, filter, max_results, order_by, page_token));
    public override Task<ActionResult<G.SetTraceTagResponse>> SetTraceTagAsync(G.SetTraceTag? body, string request_id) => Write(() => SetTraceTagCore(body, request_id));
    public override Task<ActionResult<G.DeleteTraceTagResponse>> DeleteTraceTagAsync(G.DeleteTraceTag? body, string request_id) => Write(() => DeleteTraceTagCore(body, request_id));
    public override Task<ActionResult<G.DeleteTracesResponse>> DeleteTracesAsync(G.DeleteTraces body) => Write(() => DeleteTracesCore(body));

    /// <summary>MLflow OSS keeps request/response previews to 1000 characters.</summary>
    private const int PreviewMaxLength = 1000;
    private const int MaxTracesPerSearch = 500;
    private const int MaxTracesToLinkToRun = 100;

    private ITraceStore? traceStore;

    private ITraceStore traces => traceStore ??= new DocumentTraceStore(state);

    // ---------------------------------------------------------------- OTLP ingestion

    /// <summary>
    /// Logs the spans of one trace into an experiment, creating the trace when it is new, as MLflow's
    /// <c>log_spans</c> does: spans are added (a span id seen before replaces the old span), and unless the trace
    /// info was finalized by <c>StartTraceV3</c>, its times, state, previews, token usage, session, user and
    /// <c>mlflow.traceTag.*</c> tags are derived from the spans.
    /// </summary>
    internal void LogSpans(string experimentId, IReadOnlyList<SpanRecord> spans) => Write(() => LogSpansCore(experimentId, spans));

    private void LogSpansCore(string experimentId, IReadOnlyList<SpanRecord> spans)
    {
        lock (state.Gate)
        {
            var experiment = Experiments.Find(experimentId)
                ?? throw MlflowError.NotFound($"Could not find experiment with ID {experimentId}");
            var traceId = "tr-" + Convert.ToHexStringLower(spans[0].TraceId);
            var trace = traces.Find(traceId);
            if (trace is null)
            {
                trace = NewTrace(traceId, experiment);
                trace.RequestTimeMs = spans.Min(s => s.StartTimeUnixNano) / 1_000_000;
                traces.Add(trace);
            }
            else if (trace.ExperimentId != experimentId)
            {
                throw MlflowError.InvalidParameter($"Trace {traceId} belongs to experiment {trace.ExperimentId}, not {experimentId}.");
            }
            foreach (var span in spans)
            {
                trace.Spans.RemoveAll(s => s.SpanId.AsSpan().SequenceEqual(span.SpanId));
                trace.Spans.Add(span);
            }
            trace.Tags.Set(TraceAttributeKeys.SpansLocationTag, "TRACKING_STORE");
            if (trace.Metadata.Get(TraceAttributeKeys.InfoFinalizedMetadata) != "true") DeriveInfo(trace);
        }
    }

    private TraceRecord NewTrace(string traceId, ExperimentEntity experiment, bool v2 = false)
    {
        var trace = new TraceRecord { TraceId = traceId, ExperimentId = experiment.Id, IsV2 = v2 };
        trace.Tags.Set(TraceAttributeKeys.ArtifactLocationTag, $"{experiment.ArtifactLocation.TrimEnd('/')}/traces/{traceId}/artifacts");
        return trace;
    }

    private static void DeriveInfo(TraceRecord trace)
    {
        trace.RequestTimeMs = trace.Spans.Min(s => s.StartTimeUnixNano) / 1_000_000;
        var root = trace.Spans.Find(s => s.ParentSpanId is null);
        if (root is null)
        {
            trace.State = "IN_PROGRESS";
        }
        else
        {
            trace.State = root.StatusCode == 2 ? "ERROR" : "OK";
            trace.ExecutionDurationMs = Math.Max(0, (root.EndTimeUnixNano - root.StartTimeUnixNano) / 1_000_000);
            trace.RequestPreview = Preview(root.RawAttribute(TraceAttributeKeys.Inputs));
            trace.ResponsePreview = Preview(root.RawAttribute(TraceAttributeKeys.Outputs));
            foreach (var (key, value) in root.Attributes)
            {
                if (key.StartsWith(TraceAttributeKeys.TraceTagPrefix, StringComparison.Ordinal) && key.Length > TraceAttributeKeys.TraceTagPrefix.Length)
                {
                    trace.Tags.Set(key[TraceAttributeKeys.TraceTagPrefix.Length..], Plain(value));
                }
            }
            if (root.RawAttribute(TraceAttributeKeys.SessionId) is { } session) trace.Metadata.Set(TraceAttributeKeys.SessionMetadata, Plain(session));
            if (root.RawAttribute(TraceAttributeKeys.UserId) is { } user) trace.Metadata.Set(TraceAttributeKeys.UserMetadata, Plain(user));
        }
        long input = 0, output = 0, total = 0;
        var any = false;
        foreach (var span in trace.Spans)
        {
            if (span.Attribute(TraceAttributeKeys.ChatUsage) is not JsonObject usage) continue;
            any = true;
            input += Number(usage["input_tokens"]);
            output += Number(usage["output_tokens"]);
            total += Number(usage["total_tokens"]);
        }
        if (any)
        {
            trace.Metadata.Set(TraceAttributeKeys.TokenUsageMetadata, $"{{\"input_tokens\": {input}, \"output_tokens\": {output}, \"total_tokens\": {total}}}");
        }

        static long Number(JsonNode? node) => node is JsonValue v && v.TryGetValue<long>(out var n) ? n : node is JsonValue d && d.TryGetValue<double>(out var x) ? (long)x : 0;
    }

    /// <summary>A stored attribute (JSON) as plain text: strings unquoted, anything else as its JSON.</summary>
    private static string Plain(string json) =>
        TraceJson.Parse(json) is JsonValue v && v.TryGetValue<string>(out var s) ? s : json;

    private static string? Preview(string? json)
    {
        if (json is null) return null;
        return json.Length <= PreviewMaxLength ? json : json[..(PreviewMaxLength - 3)] + "...";
    }

    // ---------------------------------------------------------------- v3 routes

    private G.StartTraceV3Response StartTraceV3Core(G.StartTraceV3 body)
    {
        var info = body.Trace?.Trace_info ?? throw MlflowError.MissingParameter("trace");
        var experimentId = info.Trace_location?.Mlflow_experiment?.Experiment_id;
        lock (state.Gate)
        {
            var experiment = FindExperiment(experimentId);
            var traceId = string.IsNullOrEmpty(info.Trace_id) ? "tr-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) : info.Trace_id;
            var trace = traces.Find(traceId);
            if (trace is null)
            {
                trace = NewTrace(traceId, experiment);
                traces.Add(trace);
            }
            trace.ClientRequestId = info.Client_request_id ?? trace.ClientRequestId;
            if (info.Request_time is { } requestTime) trace.RequestTimeMs = requestTime.ToUnixTimeMilliseconds();
            if (ParseDuration(info.Execution_duration) is { } duration) trace.ExecutionDurationMs = duration;
            if (info.State is { } state) trace.State = state.ToString();
            trace.RequestPreview = info.Request_preview ?? trace.RequestPreview;
            trace.ResponsePreview = info.Response_preview ?? trace.ResponsePreview;
            trace.Request = info.Request ?? trace.Request;
            trace.Response = info.Response ?? trace.Response;
            foreach (var (key, value) in info.Trace_metadata ?? new Dictionary<string, string>()) trace.Metadata.Set(key, value);
            trace.Metadata.Set(TraceAttributeKeys.InfoFinalizedMetadata, "true");
            foreach (var (key, value) in info.Tags ?? new Dictionary<string, string>())
            {
                if (key != TraceAttributeKeys.ArtifactLocationTag) trace.Tags.Set(key, value);
            }
            var dto = ToInfoDto(trace);
            // MLflow's answer to StartTraceV3 shows the artifact location but not yet where the spans are.
            if (dto.Tags is { } tags && !trace.Spans.Any()) tags.Remove(TraceAttributeKeys.SpansLocationTag);
            return new G.StartTraceV3Response { Trace = new G.OtelTrace { Trace_info = dto } };
        }
    }

    private G.GetTraceInfoV3Response GetTraceInfoV3Core(string trace_id)
    {
        lock (state.Gate)
        {
            var trace = traces.Find(trace_id) ?? throw MlflowError.NotFound($"Trace with ID '{trace_id}' not found.");
            return new G.GetTraceInfoV3Response { Trace = new G.OtelTrace { Trace_info = ToInfoDto(trace) } };
        }
    }

    private G.GetTraceResponse GetTraceCore(string trace_id, bool? allow_partial)
    {
        MlflowError.Required(trace_id, "trace_id");
        lock (state.Gate)
        {
            var trace = traces.Find(trace_id) ?? throw MlflowError.NotFound($"Trace with ID {trace_id} is not found.");
            return new G.GetTraceResponse { Trace = ToTraceDto(trace) };
        }
    }

    private G.BatchGetTracesResponse BatchGetTracesCore(IEnumerable<string>? trace_ids)
    {
        lock (state.Gate)
        {
            var found = (trace_ids ?? []).Select(traces.Find).OfType<TraceRecord>().Select(ToTraceDto).ToList();
            return new G.BatchGetTracesResponse { Traces = found };
        }
    }

    private G.BatchGetTraceInfosResponse BatchGetTraceInfosCore(G.BatchGetTraceInfos? body)
    {
        lock (state.Gate)
        {
            var found = (body?.Trace_ids ?? []).Select(traces.Find).OfType<TraceRecord>().Select(ToInfoDto).ToList();
            return new G.BatchGetTraceInfosResponse { Trace_infos = found };
        }
    }

    private G.SearchTracesV3Response SearchTracesV3Core(G.SearchTracesV3? body)
    {
        var experimentIds = (body?.Locations ?? [])
            .Select(l => l.Mlflow_experiment?.Experiment_id)
            .OfType<string>()
            .ToList();
        var (page, next) = SearchTraceRecords(experimentIds, body?.Filter, body?.Max_results, body?.Order_by, body?.Page_token);
        lock (state.Gate)
        {
            return new G.SearchTracesV3Response { Traces = page.Select(t => ToInfoDto(t, withAssessments: true)).ToList(), Next_page_token = next };
        }
    }

    private G.SetTraceTagV3Response SetTraceTagV3Core(G.SetTraceTagV3? body, string trace_id)
    {
        var key = MlflowError.Required(body?.Key, "key");
        lock (state.Gate)
        {
            var trace = traces.Find(trace_id) ?? throw MlflowError.NotFound($"Trace with ID '{trace_id}' not found.");
            trace.Tags.Set(key, body!.Value ?? "");
            return new G.SetTraceTagV3Response();
        }
    }

    private G.DeleteTraceTagV3Response DeleteTraceTagV3Core(G.DeleteTraceTagV3? body, string trace_id)
    {
        var key = MlflowError.Required(body?.Key, "key");
        lock (state.Gate)
        {
            var trace = traces.Find(trace_id) ?? throw MlflowError.NotFound($"Trace with ID '{trace_id}' not found.");
            if (!trace.Tags.Remove(key)) throw MlflowError.NotFound($"No trace tag with key '{key}' for trace with ID '{trace_id}'");
            return new G.DeleteTraceTagV3Response();
        }
    }

    private G.DeleteTracesV3Response DeleteTracesV3Core(G.DeleteTracesV3 body) =>
        new() { Traces_deleted = DeleteTraceRecords(body.Experiment_id, body.Max_timestamp_millis, body.Max_traces, body.Request_ids) };

    private G.LinkTracesToRunResponse LinkTracesToRunCore(G.LinkTracesToRun body)
    {
        var runId = MlflowError.Required(body.Run_id, "run_id");
        var ids = body.Trace_ids ?? [];
        if (ids.Count > MaxTracesToLinkToRun)
        {
            throw MlflowError.InvalidParameter($"Cannot link more than {MaxTracesToLinkToRun} traces to a run in a single request. Provided {ids.Count} traces.");
        }
        lock (state.Gate)
        {
            foreach (var id in ids)
            {
                traces.Find(id)?.LinkedRunIds.Add(runId);
            }
            return new G.LinkTracesToRunResponse();
        }
    }

    /// <summary>Served by <see cref="OtlpIngestionMiddleware"/> ahead of MVC (the body may be protobuf); listed here so that the operation table shows it as implemented.</summary>
    private IActionResult ExportOtlpTracesCore(string x_mlflow_experiment_id, string? content_Encoding, G.OtlpExportTraceServiceRequest body) =>
        throw new InvalidOperationException("POST /v1/traces is handled by OtlpIngestionMiddleware.");

    /// <summary>The UI's span download: MLflow's span dictionaries (ids base64, attribute values as JSON text).</summary>
    private IActionResult GetTraceArtifactCore(string request_id, string? path) => TraceArtifact(request_id);

    /// <summary>The v3 twin of <see cref="GetTraceArtifactAsync"/>.</summary>
    private IActionResult GetTraceArtifactV3Core(string request_id, string? path) => TraceArtifact(request_id);

    private ContentResult TraceArtifact(string requestId)
    {
        MlflowError.Required(requestId, "request_id");
        lock (state.Gate)
        {
            var trace = traces.Find(requestId) ?? throw MlflowError.NotFound($"Trace with ID {requestId} is not found.");
            var spans = new JsonArray();
            foreach (var span in trace.Spans)
            {
                var attributes = new JsonObject();
                foreach (var (k, v) in span.Attributes) attributes[k] = v;
                var events = new JsonArray();
                foreach (var e in span.Events)
                {
                    var eventAttributes = new JsonObject();
                    foreach (var (k, v) in e.Attributes) eventAttributes[k] = v?.DeepClone();
                    events.Add(new JsonObject { ["name"] = e.Name, ["time_unix_nano"] = e.TimeUnixNano, ["attributes"] = eventAttributes });
                }
                spans.Add(new JsonObject
                {
                    ["trace_id"] = Convert.ToBase64String(span.TraceId),
                    ["span_id"] = Convert.ToBase64String(span.SpanId),
                    ["parent_span_id"] = span.ParentSpanId is null ? null : Convert.ToBase64String(span.ParentSpanId),
                    ["name"] = span.Name,
                    ["start_time_unix_nano"] = span.StartTimeUnixNano,
                    ["end_time_unix_nano"] = span.EndTimeUnixNano,
                    ["events"] = events,
                    ["status"] = new JsonObject { ["code"] = StatusName(span.StatusCode), ["message"] = span.StatusMessage ?? "" },
                    ["attributes"] = attributes,
                });
            }
            return new ContentResult { Content = new JsonObject { ["spans"] = spans }.ToJsonString(), ContentType = "text/plain; charset=utf-8", StatusCode = 200 };
        }
    }

    // ---------------------------------------------------------------- v2 routes

    private G.StartTraceResponse StartTraceCore(G.StartTrace? body)
    {
        lock (state.Gate)
        {
            var experiment = FindExperiment(body?.Experiment_id);
            var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            var trace = NewTrace(id, experiment, v2: true);
            trace.RequestTimeMs = body?.Timestamp_ms ?? Now();
            trace.ExecutionDurationMs = 0;
            foreach (var m in body?.Request_metadata ?? []) trace.Metadata.Set(MlflowError.Required(m.Key, "key"), m.Value ?? "");
            foreach (var t in body?.Tags ?? []) trace.Tags.Set(MlflowError.Required(t.Key, "key"), t.Value ?? "");
            // The v2 API answers its tags in the order they were set, the artifact location after the caller's.
            var location = trace.Tags.Get(TraceAttributeKeys.ArtifactLocationTag)!;
            trace.Tags.Remove(TraceAttributeKeys.ArtifactLocationTag);
            trace.Tags.Set(TraceAttributeKeys.ArtifactLocationTag, location);
            traces.Add(trace);
            return new G.StartTraceResponse { Trace_info = ToV2Dto(trace) };
        }
    }

    private G.EndTraceResponse EndTraceCore(G.EndTrace? body, string request_id)
    {
        lock (state.Gate)
        {
            var trace = traces.Find(request_id) ?? throw MlflowError.NotFound($"Trace with ID {request_id} is not found.");
            if (body?.Timestamp_ms is { } end) trace.ExecutionDurationMs = end - trace.RequestTimeMs;
            if (body?.Status is { } status) trace.State = status == G.TraceStatus.TRACE_STATUS_UNSPECIFIED ? "STATE_UNSPECIFIED" : status.ToString();
            foreach (var m in body?.Request_metadata ?? []) trace.Metadata.Set(MlflowError.Required(m.Key, "key"), m.Value ?? "");
            foreach (var t in body?.Tags ?? []) trace.Tags.Set(MlflowError.Required(t.Key, "key"), t.Value ?? "");
            return new G.EndTraceResponse { Trace_info = ToV2Dto(trace) };
        }
    }

    private G.GetTraceInfoResponse GetTraceInfoCore(string request_id)
    {
        lock (state.Gate)
        {
            var trace = traces.Find(request_id) ?? throw MlflowError.NotFound($"Trace with ID {request_id} is not found.");
            return new G.GetTraceInfoResponse { Trace_info = ToV2Dto(trace) };
        }
    }

    private G.SearchTracesResponse SearchTracesCore(IEnumerable<string>? experiment_ids, string? filter, int? max_results, IEnumerable<string>? order_by, string? page_token)
    {
        var (page, next) = SearchTraceRecords((experiment_ids ?? []).ToList(), filter, max_results, order_by?.ToList(), page_token);
        lock (state.Gate)
        {
            return new G.SearchTracesResponse { Traces = page.Select(ToV2Dto).ToList(), Next_page_token = next };
        }
    }

    private G.SetTraceTagResponse SetTraceTagCore(G.SetTraceTag? body, string request_id)
    {
        SetTraceTagV3Async(new G.SetTraceTagV3 { Key = body?.Key, Value = body?.Value }, request_id);
        return new G.SetTraceTagResponse();
    }

    private G.DeleteTraceTagResponse DeleteTraceTagCore(G.DeleteTraceTag? body, string request_id)
    {
        DeleteTraceTagV3Async(new G.DeleteTraceTagV3 { Key = body?.Key }, request_id);
        return new G.DeleteTraceTagResponse();
    }

    private G.DeleteTracesResponse DeleteTracesCore(G.DeleteTraces body) =>
        new() { Traces_deleted = DeleteTraceRecords(body.Experiment_id, body.Max_timestamp_millis, body.Max_traces, body.Request_ids) };

    // ---------------------------------------------------------------- shared

    private (List<TraceRecord> Page, string? Next) SearchTraceRecords(List<string> experimentIds, string? filter, int? maxResults, List<string>? orderBy, string? pageToken)
    {
        if (experimentIds.Count == 0) throw MlflowError.InvalidParameter("At least one experiment ID or location must be specified.");
        var max = maxResults ?? 100;
        if (max <= 0 || max > MaxTracesPerSearch)
        {
            throw MlflowError.InvalidParameter($"Invalid value {max} for parameter 'max_results' supplied. It must be between 1 and {MaxTracesPerSearch}.");
        }
        var clauses = TraceSearch.Parse(filter);
        var order = TraceSearch.ParseOrderBy(orderBy);
        lock (state.Gate)
        {
            var candidates = traces.All.Where(t => experimentIds.Contains(t.ExperimentId, StringComparer.Ordinal) && clauses.All(c => TraceSearch.Matches(c, t))).ToList();
            var ordered = TraceSearch.Order(candidates, order);
            return PageToken.Slice(ordered, pageToken, max);
        }
    }

    private int DeleteTraceRecords(string? experimentId, long? maxTimestampMillis, int? maxTraces, List<string>? ids)
    {
        MlflowError.Required(experimentId, "experiment_id");
        var hasIds = ids is { Count: > 0 };
        if (maxTimestampMillis is null && !hasIds) throw MlflowError.InvalidParameter("Either `max_timestamp_millis` or `trace_ids` must be specified.");
        if (maxTimestampMillis is not null && hasIds) throw MlflowError.InvalidParameter("Only one of `max_timestamp_millis` and `trace_ids` can be specified.");
        if (hasIds && maxTraces is not null) throw MlflowError.InvalidParameter("`max_traces` can't be specified if `trace_ids` is specified.");
        lock (state.Gate)
        {
            IEnumerable<TraceRecord> selected = traces.All.Where(t => t.ExperimentId == experimentId);
            selected = hasIds
                ? selected.Where(t => ids!.Contains(t.TraceId, StringComparer.Ordinal))
                : selected.Where(t => t.RequestTimeMs <= maxTimestampMillis).OrderBy(t => t.RequestTimeMs);
            if (maxTraces is { } limit) selected = selected.Take(limit);
            var doomed = selected.Select(t => t.TraceId).ToList();
            foreach (var id in doomed) traces.Remove(id);
            return doomed.Count;
        }
    }

    private static long? ParseDuration(string? text)
    {
        if (string.IsNullOrEmpty(text) || !text.EndsWith('s')) return null;
        return double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ? (long)Math.Round(seconds * 1000) : null;
    }

    /// <summary>A duration in proto JSON form: <c>"0.250s"</c>, <c>"2s"</c>.</summary>
    private static string FormatDuration(long milliseconds) =>
        milliseconds % 1000 == 0
            ? (milliseconds / 1000).ToString(CultureInfo.InvariantCulture) + "s"
            : (milliseconds / 1000.0).ToString("0.000", CultureInfo.InvariantCulture) + "s";

    private static string StatusName(int code) => code switch
    {
        1 => "STATUS_CODE_OK",
        2 => "STATUS_CODE_ERROR",
        _ => "STATUS_CODE_UNSET",
    };

    private G.TraceInfoV3 ToInfoDto(TraceRecord trace) => ToInfoDto(trace, withAssessments: true);

    private G.TraceInfoV3 ToInfoDto(TraceRecord trace, bool withAssessments) => new()
    {
        Trace_id = trace.TraceId,
        Client_request_id = trace.ClientRequestId,
        Trace_location = new G.TraceLocation
        {
            Type = G.TraceLocationTraceLocationType.MLFLOW_EXPERIMENT,
            Mlflow_experiment = new G.TraceLocationMlflowExperimentLocation { Experiment_id = trace.ExperimentId },
        },
        Request = trace.Request,
        Response = trace.Response,
        Request_preview = trace.RequestPreview,
        Response_preview = trace.ResponsePreview,
        Request_time = DateTimeOffset.FromUnixTimeMilliseconds(trace.RequestTimeMs),
        Execution_duration = trace.ExecutionDurationMs is { } d ? FormatDuration(d) : null,
        State = Enum.TryParse<G.TraceInfoV3State>(trace.State, out var state) ? state : G.TraceInfoV3State.STATE_UNSPECIFIED,
        Trace_metadata = trace.Metadata.Count == 0 ? null : trace.Metadata.Items.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
        Assessments = withAssessments && trace.Assessments.Count > 0 ? trace.Assessments.Select(ToAssessmentDto).ToList() : null,
        Tags = trace.Tags.Count == 0 ? null : trace.Tags.Items.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
    };

    private G.OtelTrace ToTraceDto(TraceRecord trace) => new()
    {
        Trace_info = ToInfoDto(trace),
        Spans = trace.Spans.OrderBy(s => s.StartTimeUnixNano).Select(ToSpanDto).ToList(),
    };

    private static G.TraceInfo ToV2Dto(TraceRecord trace) => new()
    {
        Request_id = trace.TraceId,
        Experiment_id = trace.ExperimentId,
        Timestamp_ms = trace.RequestTimeMs,
        Execution_time_ms = trace.ExecutionDurationMs,
        Status = trace.State switch
        {
            "OK" => G.TraceStatus.OK,
            "ERROR" => G.TraceStatus.ERROR,
            "IN_PROGRESS" => G.TraceStatus.IN_PROGRESS,
            _ => G.TraceStatus.TRACE_STATUS_UNSPECIFIED,
        },
        Request_metadata = trace.Metadata.Items.Select(p => new G.TraceRequestMetadata { Key = p.Key, Value = p.Value }).ToList(),
        Tags = trace.Tags.Items.Select(p => new G.TraceTag { Key = p.Key, Value = p.Value }).ToList(),
    };

    /// <summary>A span as MLflow's REST answers show it: OTLP protobuf-JSON, attribute values decoded from their JSON.</summary>
    private static G.OtelSpan ToSpanDto(SpanRecord span) => new()
    {
        Trace_id = span.TraceId,
        Span_id = span.SpanId,
        Parent_span_id = span.ParentSpanId,
        Trace_state = span.TraceState,
        Name = span.Name,
        Start_time_unix_nano = span.StartTimeUnixNano,
        End_time_unix_nano = span.EndTimeUnixNano,
        Attributes = span.Attributes.Select(a => new G.OtelKeyValue { Key = a.Key, Value = ToAnyValue(TraceJson.Parse(a.Value)) }).ToList(),
        Events = span.Events.Count == 0 ? null : span.Events.Select(e => new G.OtelSpanEvent
        {
            Name = e.Name,
            Time_unix_nano = e.TimeUnixNano,
            Attributes = e.Attributes.Count == 0 ? null : e.Attributes.Select(a => new G.OtelKeyValue { Key = a.Key, Value = ToAnyValue(a.Value) }).ToList(),
        }).ToList(),
        Status = new G.OtelStatus
        {
            Code = (G.OtelStatusStatusCode)span.StatusCode,
            Message = span.StatusMessage,
        },
    };

    private static G.OtelAnyValue ToAnyValue(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return new G.OtelAnyValue();
            case JsonObject o:
                return new G.OtelAnyValue { Kvlist_value = new G.OtelKeyValueList { Values = o.Select(p => new G.OtelKeyValue { Key = p.Key, Value = ToAnyValue(p.Value) }).ToList() } };
            case JsonArray a:
                return new G.OtelAnyValue { Array_value = new G.OtelArrayValue { Values = a.Select(ToAnyValue).ToList() } };
            case JsonValue v:
                switch (v.GetValueKind())
                {
                    case JsonValueKind.String: return new G.OtelAnyValue { String_value = v.GetValue<string>() };
                    case JsonValueKind.True: return new G.OtelAnyValue { Bool_value = true };
                    case JsonValueKind.False: return new G.OtelAnyValue { Bool_value = false };
                    case JsonValueKind.Number:
                        if (v.TryGetValue<long>(out var l)) return new G.OtelAnyValue { Int_value = l };
                        if (v.TryGetValue<double>(out var d)) return new G.OtelAnyValue { Double_value = d };
                        return new G.OtelAnyValue { Double_value = double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture) };
                    default: return new G.OtelAnyValue();
                }
            default:
                return new G.OtelAnyValue();
        }
    }
}
