using System.Buffers.Binary;

namespace Mlflow.Testing.Server;

/// <summary>The OTLP input could not be read (answered 400 by the ingestion endpoint).</summary>
internal sealed class OtlpFormatException(string message) : Exception(message);

/// <summary>
/// Reads an OTLP <c>ExportTraceServiceRequest</c> into <see cref="SpanRecord"/>s, from the protobuf encoding or from
/// OTLP/JSON. Only the fields MLflow keeps are read (resource and scope are skipped, as MLflow's server does); unknown
/// fields are skipped by wire type. Attribute values are stored in MLflow's encoding (<see cref="TraceJson.Encode"/>).
/// </summary>
/// <remarks>
/// A hand-written reader instead of generated code: five messages, fields numbered as in
/// <c>opentelemetry/proto/trace/v1/trace.proto</c> and <c>common/v1/common.proto</c>; no protobuf package is needed.
/// </remarks>
internal static class OtlpTraceReader
{
    // ------------------------------------------------------------------------------------------------ protobuf

    public static List<SpanRecord> ReadProtobuf(ReadOnlySpan<byte> request)
    {
        var spans = new List<SpanRecord>();
        var reader = new ProtoReader(request);
        while (reader.Next(out var field, out var wire))
        {
            if (field == 1 && wire == 2) ReadResourceSpans(reader.Bytes(), spans); // resource_spans
            else reader.Skip(wire);
        }
        return spans;
    }

    private static void ReadResourceSpans(ReadOnlySpan<byte> message, List<SpanRecord> spans)
    {
        var reader = new ProtoReader(message);
        while (reader.Next(out var field, out var wire))
        {
            if (field == 2 && wire == 2) ReadScopeSpans(reader.Bytes(), spans); // scope_spans
            else reader.Skip(wire);
        }
    }

    private static void ReadScopeSpans(ReadOnlySpan<byte> message, List<SpanRecord> spans)
    {
        var reader = new ProtoReader(message);
        while (reader.Next(out var field, out var wire))
        {
            if (field == 2 && wire == 2) spans.Add(ReadSpan(reader.Bytes())); // spans
            else reader.Skip(wire);
        }
    }

    private static SpanRecord ReadSpan(ReadOnlySpan<byte> message)
    {
        byte[] traceId = [], spanId = [];
        byte[]? parent = null;
        string name = "", traceState = "";
        long start = 0, end = 0;
        int statusCode = 0;
        string? statusMessage = null;
        var attributes = new List<KeyValuePair<string, JsonNode?>>();
        var events = new List<SpanEventRecord>();
        var reader = new ProtoReader(message);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 2): traceId = reader.Bytes().ToArray(); break;
                case (2, 2): spanId = reader.Bytes().ToArray(); break;
                case (3, 2): traceState = reader.String(); break;
                case (4, 2):
                    var p = reader.Bytes();
                    parent = p.Length == 0 ? null : p.ToArray();
                    break;
                case (5, 2): name = reader.String(); break;
                case (7, 1): start = (long)reader.Fixed64(); break;
                case (8, 1): end = (long)reader.Fixed64(); break;
                case (9, 2): attributes.Add(ReadKeyValue(reader.Bytes())); break;
                case (11, 2): events.Add(ReadEvent(reader.Bytes())); break;
                case (15, 2): (statusCode, statusMessage) = ReadStatus(reader.Bytes()); break;
                default: reader.Skip(wire); break;
            }
        }
        return Build(traceId, spanId, parent, name, traceState, start, end, attributes, events, statusCode, statusMessage);
    }

    private static SpanEventRecord ReadEvent(ReadOnlySpan<byte> message)
    {
        long time = 0;
        var name = "";
        var attributes = new List<KeyValuePair<string, JsonNode?>>();
        var reader = new ProtoReader(message);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 1): time = (long)reader.Fixed64(); break;
                case (2, 2): name = reader.String(); break;
                case (3, 2): attributes.Add(ReadKeyValue(reader.Bytes())); break;
                default: reader.Skip(wire); break;
            }
        }
        return new SpanEventRecord(name, time, attributes);
    }

    private static (int Code, string? Message) ReadStatus(ReadOnlySpan<byte> message)
    {
        var code = 0;
        string? text = null;
        var reader = new ProtoReader(message);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (2, 2): text = reader.String(); break;
                case (3, 0): code = (int)reader.Varint(); break;
                default: reader.Skip(wire); break;
            }
        }
        return (code, string.IsNullOrEmpty(text) ? null : text);
    }

    private static KeyValuePair<string, JsonNode?> ReadKeyValue(ReadOnlySpan<byte> message)
    {
        var key = "";
        JsonNode? value = null;
        var reader = new ProtoReader(message);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 2): key = reader.String(); break;
                case (2, 2): value = ReadAnyValue(reader.Bytes()); break;
                default: reader.Skip(wire); break;
            }
        }
        return new(key, value);
    }

    private static JsonNode? ReadAnyValue(ReadOnlySpan<byte> message)
    {
        JsonNode? value = null;
        var reader = new ProtoReader(message);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 2): value = JsonValue.Create(reader.String()); break;
                case (2, 0): value = JsonValue.Create(reader.Varint() != 0); break;
                case (3, 0): value = JsonValue.Create((long)reader.Varint()); break;
                case (4, 1): value = JsonValue.Create(BitConverter.Int64BitsToDouble((long)reader.Fixed64())); break;
                case (5, 2):
                    var array = new JsonArray();
                    var items = new ProtoReader(reader.Bytes());
                    while (items.Next(out var f, out var w))
                    {
                        if (f == 1 && w == 2) array.Add(ReadAnyValue(items.Bytes()));
                        else items.Skip(w);
                    }
                    value = array;
                    break;
                case (6, 2):
                    var map = new JsonObject();
                    var pairs = new ProtoReader(reader.Bytes());
                    while (pairs.Next(out var f, out var w))
                    {
                        if (f == 1 && w == 2)
                        {
                            var (k, v) = ReadKeyValue(pairs.Bytes());
                            map[k] = v;
                        }
                        else pairs.Skip(w);
                    }
                    value = map;
                    break;
                case (7, 2): value = JsonValue.Create(Convert.ToBase64String(reader.Bytes())); break;
                default: reader.Skip(wire); break;
            }
        }
        return value;
    }

    /// <summary>A protobuf wire-format reader over a span of bytes.</summary>
    private ref struct ProtoReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> data = data;
        private int position;

        public bool Next(out int field, out int wire)
        {
            if (position >= data.Length)
            {
                field = wire = 0;
                return false;
            }
            var tag = Varint();
            field = (int)(tag >> 3);
            wire = (int)(tag & 7);
            if (field == 0) throw new OtlpFormatException("Invalid OpenTelemetry protobuf format");
            return true;
        }

        public ulong Varint()
        {
            ulong result = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (position >= data.Length) throw new OtlpFormatException("Invalid OpenTelemetry protobuf format");
                var b = data[position++];
                result |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0) return result;
            }
            throw new OtlpFormatException("Invalid OpenTelemetry protobuf format");
        }

        public ulong Fixed64()
        {
            if (position + 8 > data.Length) throw new OtlpFormatException("Invalid OpenTelemetry protobuf format");
            var value = BinaryPrimitives.ReadUInt64LittleEndian(data[position..]);
            position += 8;
            return value;
        }

        public ReadOnlySpan<byte> Bytes()
        {
            var length = Varint();
            if (length > (ulong)(data.Length - position)) throw new OtlpFormatException("Invalid OpenTelemetry protobuf format");
            var slice = data.Slice(position, (int)length);
            position += (int)length;
            return slice;
        }

        public string String() => Encoding.UTF8.GetString(Bytes());

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: position += 8; break;
                case 2: Bytes(); break;
                case 5: position += 4; break;
                default: throw new OtlpFormatException("Invalid OpenTelemetry protobuf format");
            }
            if (position > data.Length) throw new OtlpFormatException("Invalid OpenTelemetry protobuf format");
        }
    }

    // ------------------------------------------------------------------------------------------------ JSON

    /// <summary>Reads OTLP/JSON (lowerCamelCase or snake_case names, hex ids, int64 as strings or numbers).</summary>
    public static List<SpanRecord> ReadJson(ReadOnlySpan<byte> request)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(request);
        }
        catch (JsonException)
        {
            throw new OtlpFormatException("Invalid OpenTelemetry JSON format");
        }
        var spans = new List<SpanRecord>();
        if (root is not JsonObject body) throw new OtlpFormatException("Invalid OpenTelemetry JSON format");
        foreach (var resource in Array(body, "resourceSpans", "resource_spans"))
        {
            foreach (var scope in Array(resource, "scopeSpans", "scope_spans"))
            {
                foreach (var span in Array(scope, "spans", "spans"))
                {
                    if (span is JsonObject s) spans.Add(ReadJsonSpan(s));
                }
            }
        }
        return spans;
    }

    private static SpanRecord ReadJsonSpan(JsonObject span)
    {
        var attributes = ReadJsonAttributes(Field(span, "attributes", "attributes"));
        var events = new List<SpanEventRecord>();
        foreach (var e in Array(span, "events", "events"))
        {
            if (e is not JsonObject eo) continue;
            events.Add(new SpanEventRecord(Text(Field(eo, "name", "name")) ?? "", Int64(Field(eo, "timeUnixNano", "time_unix_nano")), ReadJsonAttributes(Field(eo, "attributes", "attributes"))));
        }
        var status = Field(span, "status", "status") as JsonObject;
        var code = status is null ? 0 : StatusCode(Field(status, "code", "code"));
        var parent = Text(Field(span, "parentSpanId", "parent_span_id"));
        return Build(
            Hex(Text(Field(span, "traceId", "trace_id")), 16),
            Hex(Text(Field(span, "spanId", "span_id")), 8),
            string.IsNullOrEmpty(parent) ? null : Hex(parent, 8),
            Text(Field(span, "name", "name")) ?? "",
            Text(Field(span, "traceState", "trace_state")) ?? "",
            Int64(Field(span, "startTimeUnixNano", "start_time_unix_nano")),
            Int64(Field(span, "endTimeUnixNano", "end_time_unix_nano")),
            attributes,
            events,
            code,
            status is null ? null : Text(Field(status, "message", "message")) is { Length: > 0 } m ? m : null);
    }

    private static List<KeyValuePair<string, JsonNode?>> ReadJsonAttributes(JsonNode? list)
    {
        var result = new List<KeyValuePair<string, JsonNode?>>();
        if (list is not JsonArray array) return result;
        foreach (var item in array)
        {
            if (item is not JsonObject kv) continue;
            result.Add(new(Text(Field(kv, "key", "key")) ?? "", JsonAnyValue(Field(kv, "value", "value"))));
        }
        return result;
    }

    private static JsonNode? JsonAnyValue(JsonNode? node)
    {
        if (node is not JsonObject value) return null;
        if (Field(value, "stringValue", "string_value") is { } s) return JsonValue.Create(Text(s));
        if (Field(value, "boolValue", "bool_value") is { } b) return JsonValue.Create(b.GetValueKind() == JsonValueKind.True || (b.GetValueKind() == JsonValueKind.String && bool.TryParse((string?)b, out var t) && t));
        if (Field(value, "intValue", "int_value") is { } i) return JsonValue.Create(Int64(i));
        if (Field(value, "doubleValue", "double_value") is { } d) return JsonValue.Create(Double(d));
        if (Field(value, "arrayValue", "array_value") is JsonObject a)
        {
            var array = new JsonArray();
            foreach (var item in Array(a, "values", "values")) array.Add(JsonAnyValue(item));
            return array;
        }
        if (Field(value, "kvlistValue", "kvlist_value") is JsonObject kv)
        {
            var map = new JsonObject();
            foreach (var (k, v) in ReadJsonAttributes(Field(kv, "values", "values"))) map[k] = v;
            return map;
        }
        if (Field(value, "bytesValue", "bytes_value") is { } bytes) return JsonValue.Create(Text(bytes));
        return null;
    }

    private static JsonNode? Field(JsonObject o, string camel, string snake) => o.TryGetPropertyValue(camel, out var v) ? v : o.TryGetPropertyValue(snake, out v) ? v : null;

    private static IEnumerable<JsonNode?> Array(JsonNode? o, string camel, string snake) =>
        o is JsonObject obj && Field(obj, camel, snake) is JsonArray a ? a : [];

    private static string? Text(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => (string?)v,
        _ => node.ToJsonString(),
    };

    private static long Int64(JsonNode? node)
    {
        if (node is null) return 0;
        if (node.GetValueKind() == JsonValueKind.Number) return node.GetValue<long>();
        if (node.GetValueKind() == JsonValueKind.String && long.TryParse((string?)node, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)) return value;
        throw new OtlpFormatException("Invalid OpenTelemetry JSON format");
    }

    private static double Double(JsonNode node)
    {
        if (node.GetValueKind() == JsonValueKind.Number) return node.GetValue<double>();
        if (node.GetValueKind() == JsonValueKind.String && double.TryParse((string?)node, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) return value;
        throw new OtlpFormatException("Invalid OpenTelemetry JSON format");
    }

    private static int StatusCode(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.Number => node.GetValue<int>(),
        JsonValueKind.String => (string?)node switch
        {
            "STATUS_CODE_OK" => 1,
            "STATUS_CODE_ERROR" => 2,
            var other => int.TryParse(other, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0,
        },
        _ => 0,
    };

    private static byte[] Hex(string? text, int length)
    {
        if (string.IsNullOrEmpty(text)) return [];
        try
        {
            var bytes = Convert.FromHexString(text);
            if (bytes.Length == length) return bytes;
        }
        catch (FormatException)
        {
        }
        throw new OtlpFormatException($"Invalid OpenTelemetry JSON format: '{text}' is not a {length}-byte hex id");
    }

    // ------------------------------------------------------------------------------------------------ common

    private static SpanRecord Build(
        byte[] traceId, byte[] spanId, byte[]? parent, string name, string traceState, long start, long end,
        List<KeyValuePair<string, JsonNode?>> attributes, List<SpanEventRecord> events, int statusCode, string? statusMessage)
    {
        if (traceId.Length != 16 || spanId.Length != 8) throw new OtlpConversionException("Cannot convert OpenTelemetry span to MLflow span");
        var record = new SpanRecord
        {
            TraceId = traceId,
            SpanId = spanId,
            ParentSpanId = parent,
            Name = name,
            TraceState = traceState.Length == 0 ? null : traceState,
            StartTimeUnixNano = start,
            EndTimeUnixNano = end,
            StatusCode = statusCode,
            StatusMessage = statusMessage,
        };
        // MLflow adds the trace's MLflow id first, unless the span already carries it.
        var mlflowId = "tr-" + Convert.ToHexStringLower(traceId);
        if (!attributes.Exists(a => a.Key == TraceAttributeKeys.RequestId))
        {
            record.Attributes.Add(new(TraceAttributeKeys.RequestId, TraceJson.Encode(JsonValue.Create(mlflowId))));
        }
        foreach (var (key, value) in attributes)
        {
            var index = record.Attributes.FindIndex(a => a.Key == key);
            var encoded = TraceJson.Encode(value);
            if (index >= 0) record.Attributes[index] = new(key, encoded);
            else record.Attributes.Add(new(key, encoded));
        }
        record.Events.AddRange(events);
        return record;
    }
}

/// <summary>A span was read but cannot become an MLflow span (answered 422).</summary>
internal sealed class OtlpConversionException(string message) : Exception(message);

/// <summary>The span attribute and trace metadata keys the embedded server reads (MLflow's names).</summary>
internal static class TraceAttributeKeys
{
    public const string RequestId = "mlflow.traceRequestId";
    public const string Inputs = "mlflow.spanInputs";
    public const string Outputs = "mlflow.spanOutputs";
    public const string SpanType = "mlflow.spanType";
    public const string ChatUsage = "mlflow.chat.tokenUsage";
    public const string TraceTagPrefix = "mlflow.traceTag.";
    public const string UserId = "user.id";
    public const string SessionId = "session.id";
    public const string TokenUsageMetadata = "mlflow.trace.tokenUsage";
    public const string SessionMetadata = "mlflow.trace.session";
    public const string UserMetadata = "mlflow.trace.user";
    public const string SourceRunMetadata = "mlflow.sourceRun";
    public const string InfoFinalizedMetadata = "mlflow.trace.infoFinalized";
    public const string TraceNameTag = "mlflow.traceName";
    public const string ArtifactLocationTag = "mlflow.artifactLocation";
    public const string SpansLocationTag = "mlflow.trace.spansLocation";
}
