using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mlflow.Client.Models;

namespace Mlflow;

/// <summary>
/// A trace read back from MLflow: its <see cref="Info"/> (MLflow's <c>TraceInfoV3</c>: id, experiment, state, times,
/// previews, tags, metadata, assessments) and its <see cref="Spans"/>, whose inputs, outputs and attributes are decoded
/// from MLflow's JSON encoding. Python's counterpart is <c>mlflow.entities.Trace</c> (<c>info</c> + <c>data.spans</c>).
/// </summary>
public sealed class MlflowTrace
{
    /// <summary>Creates a trace from its info and spans.</summary>
    /// <param name="info">The trace info.</param>
    /// <param name="spans">The spans (any order; kept sorted by start time).</param>
    public MlflowTrace(TraceInfoV3 info, IEnumerable<TraceSpan> spans)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(spans);
        Info = info;
        Spans = spans.OrderBy(s => s.StartTimeUnixNano).ToList();
    }

    /// <summary>The trace info as MLflow serves it.</summary>
    public TraceInfoV3 Info { get; }

    /// <summary>The spans, ordered by start time (empty when the search did not ask for them).</summary>
    public IReadOnlyList<TraceSpan> Spans { get; }

    /// <summary>The trace id (<c>tr-</c> followed by the 32 hex digits of the OpenTelemetry trace id).</summary>
    public string TraceId => Info.TraceId ?? "";

    /// <summary>The experiment the trace belongs to.</summary>
    public string? ExperimentId => Info.TraceLocation?.MlflowExperiment?.ExperimentId;

    /// <summary>MLflow's trace state (<c>OK</c>, <c>ERROR</c>, <c>IN_PROGRESS</c>).</summary>
    public TraceInfoV3State? State => Info.State;

    /// <summary>The trace tags (never null).</summary>
    public IReadOnlyDictionary<string, string> Tags => Info.Tags ?? EmptyStrings;

    /// <summary>The trace metadata (never null).</summary>
    public IReadOnlyDictionary<string, string> Metadata => Info.TraceMetadata ?? EmptyStrings;

    /// <summary>The assessments (feedback and expectations) logged on the trace, when the answer carried them.</summary>
    public IReadOnlyList<Assessment> Assessments => Info.Assessments ?? (IReadOnlyList<Assessment>)[];

    /// <summary>The root span (no parent within the trace), or <see langword="null"/> while it has not arrived.</summary>
    public TraceSpan? RootSpan => Spans.FirstOrDefault(s => s.ParentId is null);

    /// <summary>The spans of one MLflow span type (<c>CHAT_MODEL</c>, <c>TOOL</c>, ...).</summary>
    /// <param name="spanType">The span type.</param>
    /// <returns>The matching spans, by start time.</returns>
    public IEnumerable<TraceSpan> SpansOfType(string spanType) => Spans.Where(s => s.SpanType == spanType);

    /// <summary>The children of a span.</summary>
    /// <param name="span">The parent.</param>
    /// <returns>Its direct children, by start time.</returns>
    public IEnumerable<TraceSpan> ChildrenOf(TraceSpan span)
    {
        ArgumentNullException.ThrowIfNull(span);
        return Spans.Where(s => s.ParentId == span.SpanId);
    }

    /// <summary>The aggregated token usage (<c>mlflow.trace.tokenUsage</c> metadata), or <see langword="null"/>.</summary>
    public TokenUsage? TokenUsage =>
        Metadata.TryGetValue("mlflow.trace.tokenUsage", out var text) ? Mlflow.TokenUsage.Parse(TraceValues.ParseJson(text)) : null;

    private static readonly IReadOnlyDictionary<string, string> EmptyStrings = new Dictionary<string, string>();
}

/// <summary>One span of a trace read back from MLflow.</summary>
public sealed class TraceSpan
{
    /// <summary>Creates a span.</summary>
    /// <param name="traceId">The MLflow trace id.</param>
    /// <param name="spanId">The span id (16 hex digits).</param>
    /// <param name="parentId">The parent span id, or <see langword="null"/> for the root.</param>
    /// <param name="name">The span name.</param>
    /// <param name="startTimeUnixNano">Start time (ns since the epoch).</param>
    /// <param name="endTimeUnixNano">End time (ns since the epoch), or <see langword="null"/> while it runs.</param>
    /// <param name="status">The status.</param>
    /// <param name="attributes">Attribute values, decoded from their JSON.</param>
    /// <param name="events">The events.</param>
    public TraceSpan(
        string traceId, string spanId, string? parentId, string name, long startTimeUnixNano, long? endTimeUnixNano,
        TraceSpanStatus status, IReadOnlyDictionary<string, JsonNode?> attributes, IReadOnlyList<TraceSpanEvent> events)
    {
        TraceId = traceId;
        SpanId = spanId;
        ParentId = parentId;
        Name = name;
        StartTimeUnixNano = startTimeUnixNano;
        EndTimeUnixNano = endTimeUnixNano;
        Status = status;
        Attributes = attributes;
        Events = events;
    }

    /// <summary>The MLflow trace id (<c>tr-...</c>).</summary>
    public string TraceId { get; }

    /// <summary>The span id, 16 lower-case hex digits.</summary>
    public string SpanId { get; }

    /// <summary>The parent span id, or <see langword="null"/> for the root span.</summary>
    public string? ParentId { get; }

    /// <summary>The span name.</summary>
    public string Name { get; }

    /// <summary>Start time in nanoseconds since the Unix epoch.</summary>
    public long StartTimeUnixNano { get; }

    /// <summary>End time in nanoseconds since the Unix epoch, or <see langword="null"/>.</summary>
    public long? EndTimeUnixNano { get; }

    /// <summary>Start time.</summary>
    public DateTimeOffset StartTime => DateTimeOffset.UnixEpoch.AddTicks(StartTimeUnixNano / 100);

    /// <summary>Duration, when the span ended.</summary>
    public TimeSpan? Duration => EndTimeUnixNano is { } end ? TimeSpan.FromTicks((end - StartTimeUnixNano) / 100) : null;

    /// <summary>The status (OK, ERROR or UNSET, with the error description).</summary>
    public TraceSpanStatus Status { get; }

    /// <summary>Every attribute, its value decoded from MLflow's JSON encoding.</summary>
    public IReadOnlyDictionary<string, JsonNode?> Attributes { get; }

    /// <summary>The events (exceptions are recorded as an <c>exception</c> event).</summary>
    public IReadOnlyList<TraceSpanEvent> Events { get; }

    /// <summary>The MLflow span type (<c>mlflow.spanType</c>: <c>LLM</c>, <c>CHAT_MODEL</c>, <c>TOOL</c>, ...).</summary>
    public string? SpanType => GetAttribute("mlflow.spanType") is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>The span inputs (<c>mlflow.spanInputs</c>) as JSON.</summary>
    public JsonNode? Inputs => GetAttribute("mlflow.spanInputs");

    /// <summary>The span outputs (<c>mlflow.spanOutputs</c>) as JSON.</summary>
    public JsonNode? Outputs => GetAttribute("mlflow.spanOutputs");

    /// <summary>The token usage of an LLM span (<c>mlflow.chat.tokenUsage</c>), or <see langword="null"/>.</summary>
    public TokenUsage? TokenUsage => Mlflow.TokenUsage.Parse(GetAttribute("mlflow.chat.tokenUsage"));

    /// <summary>One attribute's decoded value, or <see langword="null"/> when absent.</summary>
    /// <param name="key">The attribute key.</param>
    /// <returns>The value.</returns>
    public JsonNode? GetAttribute(string key) => Attributes.TryGetValue(key, out var value) ? value : null;

    /// <summary>The inputs deserialized into a .NET type.</summary>
    /// <typeparam name="T">Target type.</typeparam>
    /// <param name="options">Serializer options (default: web defaults, case-insensitive names).</param>
    /// <returns>The inputs, or default when there are none.</returns>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode("Reflection-based JSON deserialization.")]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode("Reflection-based JSON deserialization.")]
    public T? InputsAs<T>(JsonSerializerOptions? options = null) => Inputs is null ? default : Inputs.Deserialize<T>(options ?? TraceValues.Web);

    /// <summary>The outputs deserialized into a .NET type.</summary>
    /// <typeparam name="T">Target type.</typeparam>
    /// <param name="options">Serializer options (default: web defaults, case-insensitive names).</param>
    /// <returns>The outputs, or default when there are none.</returns>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode("Reflection-based JSON deserialization.")]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode("Reflection-based JSON deserialization.")]
    public T? OutputsAs<T>(JsonSerializerOptions? options = null) => Outputs is null ? default : Outputs.Deserialize<T>(options ?? TraceValues.Web);

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({SpanType ?? "UNKNOWN"}, {SpanId})";
}

/// <summary>A span status: <c>OK</c>, <c>ERROR</c> or <c>UNSET</c>, with the error description.</summary>
/// <param name="Code">The code, as MLflow names it (<c>OK</c>, <c>ERROR</c>, <c>UNSET</c>).</param>
/// <param name="Description">The description (for errors: <c>"ExceptionType: message"</c>).</param>
public sealed record TraceSpanStatus(string Code, string? Description);

/// <summary>A span event.</summary>
/// <param name="Name">Event name (<c>exception</c> for a recorded exception).</param>
/// <param name="TimeUnixNano">Time in nanoseconds since the Unix epoch.</param>
/// <param name="Attributes">Event attributes.</param>
public sealed record TraceSpanEvent(string Name, long TimeUnixNano, IReadOnlyDictionary<string, JsonNode?> Attributes);

/// <summary>Token counts of an LLM call or of a whole trace (MLflow's <c>input_tokens</c>, <c>output_tokens</c>, <c>total_tokens</c>).</summary>
/// <param name="InputTokens">Prompt tokens.</param>
/// <param name="OutputTokens">Completion tokens.</param>
/// <param name="TotalTokens">Total.</param>
public sealed record TokenUsage(long InputTokens, long OutputTokens, long TotalTokens)
{
    internal static TokenUsage? Parse(JsonNode? node)
    {
        if (node is not JsonObject o) return null;
        static long Read(JsonNode? n) => n is JsonValue v && v.TryGetValue<long>(out var l) ? l : n is JsonValue d && d.TryGetValue<double>(out var x) ? (long)x : 0;
        return new TokenUsage(Read(o["input_tokens"]), Read(o["output_tokens"]), Read(o["total_tokens"]));
    }
}

/// <summary>Conversions between MLflow's wire shapes (OTLP AnyValue, Kiota untyped nodes, JSON text) and <see cref="JsonNode"/>.</summary>
internal static class TraceValues
{
    internal static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static JsonNode? ParseJson(string? text)
    {
        if (text is null) return null;
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    public static JsonNode? FromAnyValue(OtelAnyValue? value)
    {
        if (value is null) return null;
        if (value.StringValue is { } s) return JsonValue.Create(s);
        if (value.BoolValue is { } b) return JsonValue.Create(b);
        if (value.IntValue is { } i) return JsonValue.Create(i);
        if (value.DoubleValue is { } d) return JsonValue.Create(d);
        if (value.KvlistValue is { } kv)
        {
            var o = new JsonObject();
            foreach (var item in kv.Values ?? []) o[item.Key ?? ""] = FromAnyValue(item.Value);
            return o;
        }
        if (value.ArrayValue is { } a)
        {
            var array = new JsonArray();
            foreach (var item in a.Values ?? []) array.Add(FromAnyValue(item));
            return array;
        }
        if (value.BytesValue is { } bytes) return JsonValue.Create(Convert.ToBase64String(bytes));
        return null;
    }

    public static TraceSpan FromOtelSpan(string traceId, OtelSpan span)
    {
        var attributes = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var kv in span.Attributes ?? []) attributes[kv.Key ?? ""] = FromAnyValue(kv.Value);
        var events = (span.Events ?? []).Select(e =>
        {
            var ea = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
            foreach (var kv in e.Attributes ?? []) ea[kv.Key ?? ""] = FromAnyValue(kv.Value);
            return new TraceSpanEvent(e.Name ?? "", e.TimeUnixNano ?? 0, ea);
        }).ToList();
        var status = new TraceSpanStatus(
            span.Status?.Code switch { OtelStatusStatusCode.StatusCodeOk => "OK", OtelStatusStatusCode.StatusCodeError => "ERROR", _ => "UNSET" },
            string.IsNullOrEmpty(span.Status?.Message) ? null : span.Status!.Message);
        return new TraceSpan(
            traceId,
            span.SpanId is { Length: > 0 } id ? Convert.ToHexStringLower(id) : "",
            span.ParentSpanId is { Length: > 0 } parent ? Convert.ToHexStringLower(parent) : null,
            span.Name ?? "",
            span.StartTimeUnixNano ?? 0,
            span.EndTimeUnixNano is > 0 ? span.EndTimeUnixNano : null,
            status,
            attributes,
            events);
    }

    /// <summary>A span from MLflow's span dictionary (the trace-data artifact: ids base64, attribute values JSON text).</summary>
    public static TraceSpan FromSpanDictionary(string traceId, JsonObject span)
    {
        var attributes = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (span["attributes"] is JsonObject attrs)
        {
            foreach (var (k, v) in attrs) attributes[k] = v is JsonValue text && text.TryGetValue<string>(out var s) ? ParseJson(s) : v?.DeepClone();
        }
        var events = new List<TraceSpanEvent>();
        foreach (var e in span["events"] as JsonArray ?? [])
        {
            if (e is not JsonObject eo) continue;
            var ea = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
            if (eo["attributes"] is JsonObject eattrs) foreach (var (k, v) in eattrs) ea[k] = v?.DeepClone();
            events.Add(new TraceSpanEvent((string?)eo["name"] ?? "", Long(eo["time_unix_nano"]) ?? 0, ea));
        }
        var statusCode = (string?)span["status"]?["code"] switch { "STATUS_CODE_OK" or "OK" => "OK", "STATUS_CODE_ERROR" or "ERROR" => "ERROR", _ => "UNSET" };
        var description = (string?)span["status"]?["message"];
        return new TraceSpan(
            traceId,
            Hex((string?)span["span_id"]) ?? "",
            Hex((string?)span["parent_span_id"]),
            (string?)span["name"] ?? "",
            Long(span["start_time_unix_nano"]) ?? 0,
            Long(span["end_time_unix_nano"]),
            new TraceSpanStatus(statusCode, string.IsNullOrEmpty(description) ? null : description),
            attributes,
            events);

        static string? Hex(string? base64) => string.IsNullOrEmpty(base64) ? null : Convert.ToHexStringLower(Convert.FromBase64String(base64));
        static long? Long(JsonNode? n) => n is JsonValue v && (v.TryGetValue<long>(out var l) || (v.TryGetValue<string>(out var s) && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out l))) ? l : null;
    }

    public static Microsoft.Kiota.Abstractions.Serialization.UntypedNode ToUntyped(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return new Microsoft.Kiota.Abstractions.Serialization.UntypedNull();
            case JsonObject o:
                return new Microsoft.Kiota.Abstractions.Serialization.UntypedObject(o.ToDictionary(p => p.Key, p => ToUntyped(p.Value)));
            case JsonArray a:
                return new Microsoft.Kiota.Abstractions.Serialization.UntypedArray(a.Select(ToUntyped).ToList());
            case JsonValue v:
                switch (v.GetValueKind())
                {
                    case JsonValueKind.String: return new Microsoft.Kiota.Abstractions.Serialization.UntypedString(v.GetValue<string>());
                    case JsonValueKind.True: return new Microsoft.Kiota.Abstractions.Serialization.UntypedBoolean(true);
                    case JsonValueKind.False: return new Microsoft.Kiota.Abstractions.Serialization.UntypedBoolean(false);
                    case JsonValueKind.Number:
                        if (v.TryGetValue<long>(out var l)) return new Microsoft.Kiota.Abstractions.Serialization.UntypedLong(l);
                        return new Microsoft.Kiota.Abstractions.Serialization.UntypedDouble(double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture));
                    default: return new Microsoft.Kiota.Abstractions.Serialization.UntypedNull();
                }
            default:
                return new Microsoft.Kiota.Abstractions.Serialization.UntypedNull();
        }
    }

    public static JsonNode? FromUntyped(Microsoft.Kiota.Abstractions.Serialization.UntypedNode? node) => node switch
    {
        null or Microsoft.Kiota.Abstractions.Serialization.UntypedNull => null,
        Microsoft.Kiota.Abstractions.Serialization.UntypedString s => JsonValue.Create(s.GetValue()),
        Microsoft.Kiota.Abstractions.Serialization.UntypedBoolean b => JsonValue.Create(b.GetValue()),
        Microsoft.Kiota.Abstractions.Serialization.UntypedLong l => JsonValue.Create(l.GetValue()),
        Microsoft.Kiota.Abstractions.Serialization.UntypedInteger i => JsonValue.Create(i.GetValue()),
        Microsoft.Kiota.Abstractions.Serialization.UntypedDouble d => JsonValue.Create(d.GetValue()),
        Microsoft.Kiota.Abstractions.Serialization.UntypedFloat f => JsonValue.Create(f.GetValue()),
        Microsoft.Kiota.Abstractions.Serialization.UntypedDecimal m => JsonValue.Create(m.GetValue()),
        Microsoft.Kiota.Abstractions.Serialization.UntypedArray a => new JsonArray(a.GetValue().Select(FromUntyped).ToArray()),
        Microsoft.Kiota.Abstractions.Serialization.UntypedObject o => new JsonObject(o.GetValue().Select(p => new KeyValuePair<string, JsonNode?>(p.Key, FromUntyped(p.Value)))),
        _ => null,
    };
}
