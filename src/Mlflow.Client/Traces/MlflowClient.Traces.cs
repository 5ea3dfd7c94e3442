using System.Text.Json;
using System.Text.Json.Nodes;
using Mlflow.Client.Models;

namespace Mlflow;

/// <summary>
/// Reading and judging traces, in the vocabulary and argument order of Python's <c>MlflowClient</c>
/// (<c>get_trace</c>, <c>search_traces</c>, <c>set_trace_tag</c>, <c>delete_trace_tag</c>, <c>delete_traces</c>,
/// <c>link_traces_to_run</c>) and of <c>mlflow.log_feedback</c> / <c>mlflow.log_expectation</c>. Hand-written: each
/// composes a few calls (spans fetched with the infos, span data read from the artifact store for servers that keep it
/// there) and checks its arguments before anything is sent.
/// </summary>
public sealed partial class MlflowClient
{
    /// <summary>Largest page MLflow's trace search serves.</summary>
    public const int MaxTracesPerSearchPage = 500;

    /// <summary>Largest number of traces <see cref="LinkTracesToRunAsync"/> accepts in one call (MLflow's limit).</summary>
    public const int MaxTracesToLinkPerCall = 100;

    /// <summary>
    /// The trace with its spans (Python: <c>get_trace</c>). Spans come from the tracking store; for traces whose spans
    /// MLflow keeps as an artifact (older servers, <c>mlflow.trace.spansLocation</c> not <c>TRACKING_STORE</c>) the
    /// trace data artifact is read instead.
    /// </summary>
    /// <param name="traceId">The trace id (<c>tr-...</c>).</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The trace.</returns>
    /// <exception cref="MlflowNotFoundException">No such trace.</exception>
    public async Task<MlflowTrace> GetTraceAsync(string traceId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(traceId);
        var response = await Api.Api.V30.Mlflow.Traces.Get
            .GetAsync(c => { c.QueryParameters.TraceId = traceId; c.QueryParameters.AllowPartial = true; }, cancellationToken)
            .ConfigureAwait(false);
        var trace = response?.Trace ?? throw new InvalidOperationException($"MLflow answered get-trace for {traceId} without a trace.");
        return await ToTraceAsync(trace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The traces of the experiments matching a filter (Python: <c>search_traces</c>), each with its spans unless
    /// <paramref name="includeSpans"/> is false. Enumerate it for the traces (pages follow as it goes), or walk it page
    /// by page with <c>AsPages</c>.
    /// </summary>
    /// <param name="experimentIds">Experiments to search (at least one).</param>
    /// <param name="filterString">MLflow's trace filter, e.g. <c>trace.status = 'OK' AND tags.env = 'prod'</c>.</param>
    /// <param name="maxResults">The most traces to return in total, as Python's <c>max_results</c> (default 100; null: all); also the page size asked for, up to 500.</param>
    /// <param name="orderBy">Order clauses, e.g. <c>timestamp_ms DESC</c> (the default).</param>
    /// <param name="pageToken">The page to start from (a token of an earlier page), or null for the first.</param>
    /// <param name="runId">Only traces created under or linked to this run.</param>
    /// <param name="includeSpans">Whether to fetch the spans (one batch call per page).</param>
    /// <param name="modelId">Only traces of this logged model (the <c>mlflow.modelId</c> request metadata); not together with <paramref name="filterString"/>, as in Python.</param>
    /// <param name="cancellationToken">Cancels the requests (combined with the enumeration's token).</param>
    /// <returns>The traces, as a pageable sequence.</returns>
    /// <exception cref="ArgumentException">No experiment id, or an empty one, or both a model id and a filter; nothing is sent.</exception>
    public MlflowPageable<MlflowTrace> SearchTracesAsync(
        IEnumerable<string> experimentIds, string? filterString = null, int? maxResults = 100, IEnumerable<string>? orderBy = null,
        string? pageToken = null, string? runId = null, bool includeSpans = true, string? modelId = null, CancellationToken cancellationToken = default)
    {
        var ids = CheckExperimentIds(experimentIds);
        if (maxResults is < 1) throw new ArgumentOutOfRangeException(nameof(maxResults), maxResults, "maxResults must be positive.");
        var order = orderBy?.ToList();
        var filter = filterString;
        if (modelId is not null)
        {
            if (!string.IsNullOrWhiteSpace(filter))
                throw new ArgumentException("Give either a model id or a filter string, not both (as MLflow's Python client requires).", nameof(modelId));
            ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
            filter = $"request_metadata.`mlflow.modelId` = '{modelId.Replace("'", "''", StringComparison.Ordinal)}'";
        }
        if (!string.IsNullOrEmpty(runId))
        {
            var clause = $"attribute.run_id = '{runId.Replace("'", "''", StringComparison.Ordinal)}'";
            filter = string.IsNullOrWhiteSpace(filter) ? clause : $"{filter} AND {clause}";
        }

        return new MlflowPageable<MlflowTrace>(
            "searchTracesV3",
            (token, size, ct) => SearchTracesPageCoreAsync(ids, filter, size is int s ? Math.Min(s, MaxTracesPerSearchPage) : null, order, includeSpans, token, ct),
            maxResults,
            pageToken,
            cancellationToken: cancellationToken);
    }

    private async Task<Page<MlflowTrace>> SearchTracesPageCoreAsync(
        List<string> ids, string? filter, int? pageSize, List<string>? orderBy, bool includeSpans, string? pageToken, CancellationToken cancellationToken)
    {
        var body = new SearchTracesV3
        {
            Locations = ids.Select(id => new TraceLocation
            {
                Type = TraceLocationTraceLocationType.MlflowExperiment,
                MlflowExperiment = new TraceLocationMlflowExperimentLocation { ExperimentId = id },
            }).ToList(),
            Filter = filter,
            MaxResults = pageSize,
            PageToken = pageToken,
        };
        if (orderBy is not null) body.OrderBy = orderBy;
        var response = await Api.Api.V30.Mlflow.Traces.Search.PostAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
        var infos = response?.Traces ?? [];
        var next = string.IsNullOrEmpty(response?.NextPageToken) ? null : response!.NextPageToken;
        if (!includeSpans || infos.Count == 0)
        {
            return new Page<MlflowTrace>(infos.Select(i => new MlflowTrace(i, [])).ToList(), next);
        }
        var batch = await Api.Api.V30.Mlflow.Traces.BatchGet
            .GetAsync(c => c.QueryParameters.TraceIds = infos.Select(i => i.TraceId).ToArray(), cancellationToken)
            .ConfigureAwait(false);
        var byId = (batch?.Traces ?? []).ToDictionary(t => t.TraceInfo.TraceId, StringComparer.Ordinal);
        var traces = new List<MlflowTrace>(infos.Count);
        foreach (var info in infos)
        {
            // The search answer's info stays authoritative; the batch answer brings the spans.
            var spans = byId.TryGetValue(info.TraceId, out var full) ? full.Spans : [];
            traces.Add(await ToTraceAsync(new OtelTrace { TraceInfo = info, Spans = spans }, cancellationToken).ConfigureAwait(false));
        }
        return new Page<MlflowTrace>(traces, next);
    }

    /// <summary>Sets a tag on a trace (Python: <c>set_trace_tag</c>).</summary>
    /// <param name="traceId">The trace id.</param>
    /// <param name="key">Tag key (at most 250 characters).</param>
    /// <param name="value">Tag value.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task.</returns>
    public async Task SetTraceTagAsync(string traceId, string key, string value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(traceId);
        CheckTagKey(key);
        ArgumentNullException.ThrowIfNull(value);
        await Api.Api.V30.Mlflow.Traces[traceId].Tags
            .PatchAsync(new SetTraceTagV3 { Key = key, Value = value }, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes a tag from a trace (Python: <c>delete_trace_tag</c>).</summary>
    /// <param name="traceId">The trace id.</param>
    /// <param name="key">Tag key.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task.</returns>
    /// <exception cref="MlflowNotFoundException">No such trace or tag.</exception>
    public async Task DeleteTraceTagAsync(string traceId, string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(traceId);
        CheckTagKey(key);
        await Api.Api.V30.Mlflow.Traces[traceId].Tags
            .DeleteAsync(new DeleteTraceTagV3 { Key = key }, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes traces of an experiment (Python: <c>delete_traces</c>): either those given by id, or those older than a
    /// timestamp (at most <paramref name="maxTraces"/> of them, oldest first).
    /// </summary>
    /// <param name="experimentId">The experiment.</param>
    /// <param name="maxTimestampMillis">Delete traces that started at or before this time (epoch ms).</param>
    /// <param name="maxTraces">With <paramref name="maxTimestampMillis"/>: the most to delete.</param>
    /// <param name="traceIds">The traces to delete.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>How many traces were deleted.</returns>
    public async Task<int> DeleteTracesAsync(
        string experimentId, long? maxTimestampMillis = null, int? maxTraces = null, IEnumerable<string>? traceIds = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(experimentId);
        var ids = traceIds?.ToList();
        if (ids is { Count: 0 }) ids = null;
        if (maxTimestampMillis is null && ids is null)
        {
            throw new ArgumentException("Give either maxTimestampMillis or traceIds (MLflow deletes by one criterion).", nameof(traceIds));
        }
        if (maxTimestampMillis is not null && ids is not null)
        {
            throw new ArgumentException("Give only one of maxTimestampMillis and traceIds.", nameof(traceIds));
        }
        if (maxTraces is not null && ids is not null)
        {
            throw new ArgumentException("maxTraces only applies with maxTimestampMillis.", nameof(maxTraces));
        }
        if (maxTraces is <= 0) throw new ArgumentOutOfRangeException(nameof(maxTraces), maxTraces, "maxTraces must be positive.");
        if (ids?.Any(string.IsNullOrWhiteSpace) == true) throw new ArgumentException("Trace ids must not be empty.", nameof(traceIds));
        var response = await Api.Api.V30.Mlflow.Traces.DeleteTraces
            .PostAsync(new DeleteTracesV3 { ExperimentId = experimentId, MaxTimestampMillis = maxTimestampMillis, MaxTraces = maxTraces, RequestIds = ids ?? [] }, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return response?.TracesDeleted ?? 0;
    }

    /// <summary>Links traces to a run, so that the run page lists them (Python: <c>link_traces_to_run</c>).</summary>
    /// <param name="traceIds">The traces (1 to 100).</param>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task.</returns>
    public async Task LinkTracesToRunAsync(IEnumerable<string> traceIds, string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(traceIds);
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        var ids = traceIds.ToList();
        if (ids.Count == 0) throw new ArgumentException("Give at least one trace id.", nameof(traceIds));
        if (ids.Count > MaxTracesToLinkPerCall)
        {
            throw new ArgumentException($"MLflow links at most {MaxTracesToLinkPerCall} traces to a run per call; {ids.Count} were given.", nameof(traceIds));
        }
        if (ids.Any(string.IsNullOrWhiteSpace)) throw new ArgumentException("Trace ids must not be empty.", nameof(traceIds));
        await Api.Api.V20.Mlflow.Traces.LinkToRun
            .PostAsync(new LinkTracesToRun { TraceIds = ids, RunId = runId }, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Logs feedback on a trace or one of its spans (Python: <c>mlflow.log_feedback</c>): a value (bool, number, text
    /// or JSON) or an error, from a human, an LLM judge or code.
    /// </summary>
    /// <param name="traceId">The trace.</param>
    /// <param name="name">Feedback name (default <c>feedback</c>).</param>
    /// <param name="value">The value; required unless <paramref name="error"/> is given.</param>
    /// <param name="source">Who gave it (default: code, <c>default</c>, as in Python).</param>
    /// <param name="error">Why no value could be produced.</param>
    /// <param name="rationale">The reasoning behind the value.</param>
    /// <param name="metadata">Extra string metadata.</param>
    /// <param name="spanId">The span the feedback is about (16 hex digits), or none for the whole trace.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The created assessment (with its id and times).</returns>
    public async Task<Assessment> LogFeedbackAsync(
        string traceId, string name = "feedback", AssessmentValue? value = null, AssessmentSource? source = null, AssessmentError? error = null,
        string? rationale = null, IReadOnlyDictionary<string, string>? metadata = null, string? spanId = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(traceId);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (value is null && error is null) throw new ArgumentException("Feedback needs a value or an error.", nameof(value));
        var assessment = NewAssessment(traceId, name, source ?? new AssessmentSource { SourceType = AssessmentSourceSourceType.Code, SourceId = "default" }, rationale, metadata, spanId);
        assessment.Feedback = new Feedback { Value = value is { } v ? TraceValues.ToUntyped(v.Json) : null, Error = error };
        return await CreateAssessmentCoreAsync(traceId, assessment, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Logs an expectation (ground truth) on a trace or one of its spans (Python: <c>mlflow.log_expectation</c>).
    /// Structured values (objects, arrays) are sent as JSON text, as MLflow stores them.
    /// </summary>
    /// <param name="traceId">The trace.</param>
    /// <param name="name">Expectation name, e.g. <c>expected_answer</c>.</param>
    /// <param name="value">The expected value.</param>
    /// <param name="source">Who gave it (default: human, <c>default</c>).</param>
    /// <param name="metadata">Extra string metadata.</param>
    /// <param name="spanId">The span it is about, or none for the whole trace.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The created assessment.</returns>
    public async Task<Assessment> LogExpectationAsync(
        string traceId, string name, AssessmentValue value, AssessmentSource? source = null, IReadOnlyDictionary<string, string>? metadata = null,
        string? spanId = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(traceId);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var assessment = NewAssessment(traceId, name, source ?? new AssessmentSource { SourceType = AssessmentSourceSourceType.Human, SourceId = "default" }, null, metadata, spanId);
        assessment.Expectation = value.Json is JsonObject or JsonArray
            ? new Expectation { SerializedValue = new ExpectationSerializedValue { SerializationFormat = "JSON_FORMAT", Value = value.Json.ToJsonString() } }
            : new Expectation { Value = TraceValues.ToUntyped(value.Json) };
        return await CreateAssessmentCoreAsync(traceId, assessment, cancellationToken).ConfigureAwait(false);
    }

    private static Assessment NewAssessment(string traceId, string name, AssessmentSource source, string? rationale, IReadOnlyDictionary<string, string>? metadata, string? spanId)
    {
        if (source.SourceType is AssessmentSourceSourceType.SourceTypeUnspecified) throw new ArgumentException("The assessment source needs a source type (human, LLM judge or code).", nameof(source));
        if (string.IsNullOrWhiteSpace(source.SourceId)) throw new ArgumentException("The assessment source needs a source id.", nameof(source));
        if (spanId is not null && (spanId.Length != 16 || !spanId.All(Uri.IsHexDigit))) throw new ArgumentException($"'{spanId}' is not a span id (16 hex digits).", nameof(spanId));
        var assessment = new Assessment
        {
            TraceId = traceId,
            AssessmentName = name,
            Source = source,
            Rationale = rationale,
            SpanId = spanId,
        };
        if (metadata is not null) assessment.Metadata = new Dictionary<string, string>(metadata, StringComparer.Ordinal);
        return assessment;
    }

    private async Task<Assessment> CreateAssessmentCoreAsync(string traceId, Assessment assessment, CancellationToken cancellationToken)
    {
        var response = await Api.Api.V30.Mlflow.Traces[traceId].Assessments
            .PostAsync(new CreateAssessment { Assessment = assessment }, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response?.Assessment ?? throw new InvalidOperationException("MLflow answered create-assessment without the assessment.");
    }

    private async Task<MlflowTrace> ToTraceAsync(OtelTrace trace, CancellationToken cancellationToken)
    {
        var info = trace.TraceInfo;
        var traceId = info.TraceId;
        var spans = trace.Spans.Select(s => TraceValues.FromOtelSpan(traceId, s)).ToList();
        var location = info.Tags.GetValueOrDefault("mlflow.trace.spansLocation");
        if (spans.Count == 0 && location != "TRACKING_STORE" && traceId.Length > 0)
        {
            spans = await ReadTraceDataArtifactAsync(traceId, cancellationToken).ConfigureAwait(false);
        }
        return new MlflowTrace(info, spans);
    }

    /// <summary>The trace-data artifact (MLflow's span dictionaries), for servers that keep spans in the artifact store.</summary>
    private async Task<List<TraceSpan>> ReadTraceDataArtifactAsync(string traceId, CancellationToken cancellationToken)
    {
        var uri = $"{Settings.BaseUrl}/ajax-api/2.0/mlflow/get-trace-artifact?request_id={Uri.EscapeDataString(traceId)}";
        try
        {
            using var response = await httpClient.GetAsync(uri, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (TraceValues.ParseJson(text) is not JsonObject { } data || data["spans"] is not JsonArray spans) return [];
            return spans.OfType<JsonObject>().Select(s => TraceValues.FromSpanDictionary(traceId, s)).ToList();
        }
        catch (MlflowException)
        {
            return []; // no artifact yet (the trace is still being written): the trace without spans
        }
    }

    private static List<string> CheckExperimentIds(IEnumerable<string> experimentIds)
    {
        ArgumentNullException.ThrowIfNull(experimentIds);
        var ids = experimentIds.ToList();
        if (ids.Count == 0) throw new ArgumentException("Give at least one experiment id.", nameof(experimentIds));
        if (ids.Any(string.IsNullOrWhiteSpace)) throw new ArgumentException("Experiment ids must not be empty.", nameof(experimentIds));
        return ids;
    }

    private static void CheckTagKey(string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        if (key.Length > 250) throw new ArgumentException($"Trace tag keys have at most 250 characters ('{key[..20]}...' has {key.Length}).", nameof(key));
    }
}

/// <summary>
/// The value of an assessment: a boolean, a number, a string or any JSON (converted implicitly, so
/// <c>LogFeedbackAsync(traceId, "correct", value: true)</c> reads naturally).
/// </summary>
public readonly struct AssessmentValue : IEquatable<AssessmentValue>
{
    /// <summary>Wraps a JSON value.</summary>
    /// <param name="json">The value (null: JSON null).</param>
    public AssessmentValue(JsonNode? json) => Json = json;

    /// <summary>The value as JSON.</summary>
    public JsonNode? Json { get; }

    /// <summary>A boolean value.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator AssessmentValue(bool value) => new(JsonValue.Create(value));

    /// <summary>A number.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator AssessmentValue(double value) => new(JsonValue.Create(value));

    /// <summary>A whole number.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator AssessmentValue(long value) => new(JsonValue.Create(value));

    /// <summary>A whole number.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator AssessmentValue(int value) => new(JsonValue.Create(value));

    /// <summary>A text value.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator AssessmentValue(string value) => new(JsonValue.Create(value));

    /// <summary>Any JSON value (objects and arrays included).</summary>
    /// <param name="value">The value.</param>
    public static implicit operator AssessmentValue(JsonNode? value) => new(value);

    /// <summary>A value from a <see cref="JsonElement"/>.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The assessment value.</returns>
    public static AssessmentValue FromJsonElement(JsonElement value) => new(JsonNode.Parse(value.GetRawText()));

    /// <inheritdoc />
    public bool Equals(AssessmentValue other) => JsonNode.DeepEquals(Json, other.Json);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is AssessmentValue other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Json?.ToJsonString().GetHashCode(StringComparison.Ordinal) ?? 0;

    /// <summary>Equality.</summary>
    /// <param name="left">Left.</param>
    /// <param name="right">Right.</param>
    /// <returns>Whether both hold the same JSON.</returns>
    public static bool operator ==(AssessmentValue left, AssessmentValue right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    /// <param name="left">Left.</param>
    /// <param name="right">Right.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(AssessmentValue left, AssessmentValue right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => Json?.ToJsonString() ?? "null";
}
