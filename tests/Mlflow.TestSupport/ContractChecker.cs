using System.Globalization;
using System.Text.Json.Nodes;

namespace Mlflow.TestSupport;

/// <summary>What checking one recorded exchange against the spec found.</summary>
public sealed record ContractResult(SpecOperation? Operation, List<string> MatchErrors, List<string> RequestErrors, List<string> ResponseErrors)
{
    /// <summary>True when nothing was found wrong.</summary>
    public bool Ok => MatchErrors.Count == 0 && RequestErrors.Count == 0 && ResponseErrors.Count == 0;
}

/// <summary>
/// Checks a recorded exchange against the spec: the request must match exactly one operation, its query,
/// path values and body must fit that operation, and the response must fit the schema declared for its status
/// and media type.
/// </summary>
public sealed class ContractChecker(SpecIndex index)
{
    private readonly SchemaValidator _validator = new(index.Spec);

    /// <summary>The validator used for bodies.</summary>
    public SchemaValidator Validator => _validator;

    /// <summary>Checks one exchange.</summary>
    public ContractResult Check(WireExchange exchange)
    {
        var match = new List<string>();
        var request = new List<string>();
        var response = new List<string>();
        var candidates = index.Match(exchange.Method, exchange.Path);
        if (candidates.Count == 0)
        {
            match.Add($"no operation for {exchange.Method} {exchange.Path}");
            return new ContractResult(null, match, request, response);
        }
        if (candidates.Count > 1 && candidates[0].LiteralLength == candidates[1].LiteralLength)
        {
            match.Add("ambiguous: " + string.Join(", ", candidates.Select(c => c.OperationId)));
            return new ContractResult(null, match, request, response);
        }
        var op = candidates[0];
        CheckQuery(exchange, op, request);
        CheckBody(exchange, op, request);
        CheckResponse(exchange, op, response);
        return new ContractResult(op, match, request, response);
    }

    private void CheckQuery(WireExchange exchange, SpecOperation op, List<string> errors)
    {
        var parameters = op.Parameters.Where(p => (string?)p["in"] == "query").ToDictionary(p => (string)p["name"]!);
        foreach (var group in exchange.Query.GroupBy(q => q.Key))
        {
            if (!parameters.TryGetValue(group.Key, out var p))
            {
                errors.Add($"query parameter '{group.Key}' is not declared");
                continue;
            }
            var schema = Deref(p["schema"]!);
            var isArray = (string?)schema["type"] == "array";
            if (!isArray && group.Count() > 1) errors.Add($"query parameter '{group.Key}' repeated but not an array");
            var itemSchema = isArray ? schema["items"]! : schema;
            foreach (var (_, value) in group)
                errors.AddRange(_validator.Validate(Coerce(value, Deref(itemSchema)), itemSchema, "query." + group.Key));
        }
        foreach (var (name, p) in parameters)
            if ((bool?)p["required"] == true && !exchange.Query.Any(q => q.Key == name))
                errors.Add($"required query parameter '{name}' missing");
    }

    private void CheckBody(WireExchange exchange, SpecOperation op, List<string> errors)
    {
        var raw = WireExchange.RawBytes(exchange.Request);
        var requestBody = op.Operation["requestBody"] as JsonObject;
        if (requestBody is null)
        {
            if (raw.Length > 0 && exchange.Method != "GET") errors.Add("request has a body but the operation declares none");
            return;
        }
        if (raw.Length == 0)
        {
            if ((bool?)requestBody["required"] == true) errors.Add("required request body missing");
            return;
        }
        var content = requestBody["content"]!.AsObject();
        var mediaType = WireExchange.MediaType(exchange.Request);
        var media = mediaType is null ? null : content[mediaType] as JsonObject;
        if (media is null)
        {
            // Raw-byte uploads accept any content type (MLflow reads the bytes as they are).
            if (content["application/octet-stream"] is JsonObject octet) media = octet;
            else { errors.Add($"request media type '{mediaType}' not declared ({string.Join(", ", content.Select(c => c.Key))})"); return; }
        }
        if (mediaType is "application/json" && content.ContainsKey("application/json"))
        {
            var body = exchange.Request["body"];
            if (body is null) { errors.Add("request body is not strict JSON: " + (string?)exchange.Request["body_note"]); return; }
            errors.AddRange(_validator.Validate(body, media["schema"]!, "body"));
        }
    }

    private void CheckResponse(WireExchange exchange, SpecOperation op, List<string> errors)
    {
        var responses = op.Operation["responses"]!.AsObject();
        var status = exchange.Status.ToString(CultureInfo.InvariantCulture);
        var declared = responses[status] ?? responses[status[0] + "XX"] ?? responses["default"];
        if (declared is null) { errors.Add($"status {status} not declared"); return; }
        if (declared["$ref"] is JsonNode r) declared = index.Spec["components"]!["responses"]![((string)r!).Split('/').Last()];
        var content = declared!["content"] as JsonObject;
        var raw = WireExchange.RawBytes(exchange.Response);
        var mediaType = WireExchange.MediaType(exchange.Response);
        if (raw.Length == 0)
        {
            if (content is null || mediaType is null) return;
            var emptyMedia = content[mediaType];
            if (emptyMedia is not null && IsStringSchema(emptyMedia["schema"])) return;
            if (exchange.Status >= 400 && content["text/plain"] is not null) return; // an empty error body carries no JSON to check
            errors.Add($"empty {mediaType} body where a structured body is declared");
            return;
        }
        if (content is null) { errors.Add($"status {status} declares no body but one came back"); return; }
        if (mediaType is null || content[mediaType] is not JsonObject media)
        {
            errors.Add($"response media type '{mediaType}' not declared for {status} ({string.Join(", ", content.Select(c => c.Key))})");
            return;
        }
        if (mediaType.EndsWith("json", StringComparison.Ordinal))
        {
            var body = exchange.Response["body"] ?? LenientJson.Parse(System.Text.Encoding.UTF8.GetString(raw));
            if (body is null) { errors.Add("response body is not JSON"); return; }
            errors.AddRange(_validator.Validate(body, media["schema"]!, "response"));
        }
        else if (!IsStringSchema(media["schema"]))
        {
            errors.Add($"{mediaType} body where the schema is not a string");
        }
    }

    private bool IsStringSchema(JsonNode? schema)
    {
        if (schema is null) return true;
        var s = Deref(schema);
        return (string?)s["type"] == "string" || s.AsObject().Count == 0;
    }

    private JsonNode Deref(JsonNode schema) =>
        schema["$ref"] is JsonNode r ? _validator.Resolve((string)r!) : schema;

    /// <summary>Query strings carry text; read it the way MLflow's handlers do for the declared type.</summary>
    private static JsonNode? Coerce(string value, JsonNode schema)
    {
        var type = schema["type"] is JsonArray a ? (string?)a[0] : (string?)schema["type"];
        switch (type)
        {
            case "integer":
                return long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? JsonValue.Create(l) : JsonValue.Create(value);
            case "number":
                return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? JsonValue.Create(d) : JsonValue.Create(value);
            case "boolean":
                return value.Equals("true", StringComparison.OrdinalIgnoreCase) ? JsonValue.Create(true)
                    : value.Equals("false", StringComparison.OrdinalIgnoreCase) ? JsonValue.Create(false) : JsonValue.Create(value);
            default:
                // Enums also accept their number as text.
                if (schema["enum"] is JsonArray values && int.TryParse(value, out var n) && n >= 0 && n < values.Count) return values[n]!.DeepClone();
                return JsonValue.Create(value);
        }
    }
}
