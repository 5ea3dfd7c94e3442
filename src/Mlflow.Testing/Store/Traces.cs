namespace Mlflow.Testing.Store;

/// <summary>
/// Where the embedded server keeps traces, their spans and their assessments (see <see cref="DocumentTraceStore"/>).
/// Callers hold the server's lock while they use it, so implementations need no locking of their own.
/// </summary>
internal interface ITraceStore
{
    /// <summary>The trace with this id (<c>tr-...</c>, or a v2 request id), or <see langword="null"/>.</summary>
    TraceRecord? Find(string traceId);

    /// <summary>Every trace, in insertion order.</summary>
    IEnumerable<TraceRecord> All { get; }

    /// <summary>Adds a new trace (its id must be unused).</summary>
    void Add(TraceRecord trace);

    /// <summary>Removes a trace with its spans and assessments; false when there was none.</summary>
    bool Remove(string traceId);
}

/// <summary>
/// The <see cref="ITraceStore"/> on the server's state: one document per trace (its info, spans and assessments), so
/// traces live in memory and, with a data directory, in its database like every other entity. A trace handed out by
/// <see cref="Find"/> is recorded as changed (handlers change traces in place), so the next commit writes it.
/// </summary>
internal sealed class DocumentTraceStore(ServerState state) : ITraceStore
{
    private List<TraceRecord>? order;

    private DocumentSet<TraceRecord> Documents => state.Documents<TraceRecord>("trace", t => t.TraceId, set =>
        order = [.. set.Values.OrderBy(t => t.RequestTimeMs).ThenBy(t => t.TraceId, StringComparer.Ordinal)]);

    private List<TraceRecord> Order
    {
        get
        {
            _ = Documents;
            return order ??= [];
        }
    }

    public IEnumerable<TraceRecord> All => Order;

    public TraceRecord? Find(string traceId)
    {
        var trace = Documents.Find(traceId);
        if (trace is not null) Documents.Touch(trace);
        return trace;
    }

    public void Add(TraceRecord trace)
    {
        Documents.Add(trace);
        Order.Add(trace);
    }

    public bool Remove(string traceId)
    {
        var trace = Documents.Find(traceId);
        if (trace is null) return false;
        Documents.Remove(traceId);
        Order.Remove(trace);
        return true;
    }
}

/// <summary>
/// One trace: MLflow's <c>TraceInfoV3</c> fields plus its spans and assessments. Times are epoch milliseconds; the
/// state is MLflow's name (<c>OK</c>, <c>ERROR</c>, <c>IN_PROGRESS</c>, <c>STATE_UNSPECIFIED</c>).
/// </summary>
internal sealed class TraceRecord
{
    public required string TraceId { get; init; }
    public required string ExperimentId { get; init; }
    public string? ClientRequestId { get; set; }
    public long RequestTimeMs { get; set; }
    public long? ExecutionDurationMs { get; set; }
    public string State { get; set; } = "IN_PROGRESS";
    public string? RequestPreview { get; set; }
    public string? ResponsePreview { get; set; }
    public string? Request { get; set; }
    public string? Response { get; set; }
    public TagMap Metadata { get; init; } = new();
    public TagMap Tags { get; init; } = new();
    public List<SpanRecord> Spans { get; init; } = [];
    public List<AssessmentRecord> Assessments { get; init; } = [];
    /// <summary>Runs linked by <c>link-to-run</c> (MLflow keeps them as entity associations, not as metadata).</summary>
    public HashSet<string> LinkedRunIds { get; init; } = new(StringComparer.Ordinal);
    /// <summary>Whether the trace was created by the v2 API (<c>StartTrace</c>), whose ids carry no <c>tr-</c> prefix.</summary>
    public bool IsV2 { get; init; }
}

/// <summary>
/// One span as MLflow stores it: ids as bytes, attribute values as JSON text (a string that already is JSON is
/// kept, anything else is JSON-encoded), status code as OTLP's number (0 unset, 1 ok, 2 error).
/// </summary>
internal sealed class SpanRecord
{
    public required byte[] TraceId { get; init; }
    public required byte[] SpanId { get; init; }
    public byte[]? ParentSpanId { get; init; }
    public required string Name { get; init; }
    public string? TraceState { get; init; }
    public long StartTimeUnixNano { get; init; }
    public long EndTimeUnixNano { get; init; }
    public List<KeyValuePair<string, string>> Attributes { get; init; } = [];
    public List<SpanEventRecord> Events { get; init; } = [];
    public int StatusCode { get; init; }
    public string? StatusMessage { get; init; }

    public string SpanIdHex => Convert.ToHexStringLower(SpanId);

    /// <summary>The decoded value of an attribute (its JSON parsed), or <see langword="null"/>.</summary>
    public JsonNode? Attribute(string key)
    {
        foreach (var (k, v) in Attributes)
        {
            if (k == key) return TraceJson.Parse(v);
        }
        return null;
    }

    /// <summary>The stored (JSON) text of an attribute.</summary>
    public string? RawAttribute(string key)
    {
        foreach (var (k, v) in Attributes)
        {
            if (k == key) return v;
        }
        return null;
    }
}

/// <summary>A span event; its attribute values are kept decoded (MLflow does not JSON-encode event attributes).</summary>
internal sealed record SpanEventRecord(string Name, long TimeUnixNano, List<KeyValuePair<string, JsonNode?>> Attributes);

/// <summary>
/// An assessment (feedback or expectation). <see cref="Value"/> is the JSON value; <see cref="IsExpectation"/> says
/// which kind it is.
/// </summary>
internal sealed class AssessmentRecord
{
    public required string AssessmentId { get; init; }
    public required string TraceId { get; init; }
    public string Name { get; set; } = "";
    public string? SpanId { get; set; }
    public string? SourceType { get; set; }
    public string? SourceId { get; set; }
    public long CreateTimeMs { get; init; }
    public long LastUpdateTimeMs { get; set; }
    public bool IsExpectation { get; set; }
    public JsonNode? Value { get; set; }
    public bool HasValue { get; set; }
    public string? ErrorCode { get; set; }
    public string? ErrorMessage { get; set; }
    public string? ErrorStackTrace { get; set; }
    public string? Rationale { get; set; }
    public Dictionary<string, string> Metadata { get; init; } = new(StringComparer.Ordinal);
    public string? Overrides { get; set; }
    public bool Valid { get; set; } = true;
}

/// <summary>JSON helpers for attribute values in MLflow's encoding.</summary>
internal static class TraceJson
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Parses JSON text; text that is not JSON comes back as a JSON string.</summary>
    public static JsonNode? Parse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    /// <summary>Whether the text is one complete JSON value.</summary>
    public static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// How MLflow stores an attribute it received over OTLP: a string that is already JSON as is, any other value
    /// JSON-encoded (so <c>"stub-model"</c> becomes <c>"\"stub-model\""</c> and 42 becomes <c>"42"</c>).
    /// </summary>
    public static string Encode(JsonNode? value)
    {
        if (value is JsonValue v && v.TryGetValue<string>(out var s))
        {
            return IsJson(s) ? s : JsonSerializer.Serialize(s, Compact);
        }
        return value is null ? "null" : value.ToJsonString(Compact);
    }

    /// <summary>Text of a JSON value (null: <c>null</c>).</summary>
    public static string Write(JsonNode? value) => value is null ? "null" : value.ToJsonString(Compact);
}
