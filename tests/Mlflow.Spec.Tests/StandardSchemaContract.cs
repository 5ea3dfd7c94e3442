using System.Globalization;
using System.Text.Json.Nodes;
using Mlflow.TestSupport;
using NJsonSchema;
using NJsonSchema.Validation;

namespace Mlflow.Spec.Tests;

/// <summary>
/// Checks recorded exchanges against the spec with a standard JSON Schema validator (NJsonSchema) instead of our
/// own: every schema the operations use (parameters, bodies, answers, webhook envelopes) is collected into one
/// JSON Schema document whose <c>definitions</c> are the spec's component schemas, and validated as it is. The only
/// readings applied are the ones the spec itself declares: query values are text read by the parameter's declared
/// type (OpenAPI's <c>form</c> style), and an operation marked <c>x-mlflow-bare-nonfinite-numbers</c> has its bare
/// <c>NaN</c>/<c>Infinity</c> tokens read as the strings the schema lists.
/// </summary>
internal sealed class StandardSchemaContract
{
    private readonly SpecIndex _index;
    private readonly Dictionary<string, JsonSchema> _byKey;
    private readonly Dictionary<JsonNode, string> _keys = new(ReferenceEqualityComparer.Instance);

    /// <summary>The spec validated against (its schema nodes are the ones <see cref="Validate"/> accepts).</summary>
    public JsonObject Spec => _index.Spec;

    public StandardSchemaContract(SpecIndex index)
    {
        _index = index;
        var definitions = new JsonObject();
        foreach (var (name, schema) in index.Spec["components"]!["schemas"]!.AsObject()) definitions[name] = Rewrite(schema);
        var n = 0;
        void Register(JsonNode? schema)
        {
            if (schema is null || _keys.ContainsKey(schema)) return;
            var key = "__used" + n++.ToString(CultureInfo.InvariantCulture);
            _keys[schema] = key;
            definitions[key] = Rewrite(schema);
        }
        foreach (var op in index.Operations)
        {
            foreach (var p in op.Parameters) { Register(p["schema"]); if (p["schema"]?["items"] is { } items) Register(items); }
            foreach (var (_, media) in op.Operation["requestBody"]?["content"]?.AsObject() ?? new JsonObject()) Register(media!["schema"]);
            foreach (var (_, response) in op.Operation["responses"]!.AsObject())
                foreach (var (_, media) in Response(response!)["content"]?.AsObject() ?? new JsonObject()) Register(media!["schema"]);
        }
        foreach (var (_, hook) in index.Spec["webhooks"]?.AsObject() ?? new JsonObject())
            Register(hook!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]);

        var document = new JsonObject { ["$schema"] = "http://json-schema.org/draft-07/schema#", ["definitions"] = definitions };
        var root = JsonSchema.FromJsonAsync(document.ToJsonString()).GetAwaiter().GetResult();
        _byKey = root.Definitions.ToDictionary(d => d.Key, d => d.Value);
    }

    /// <summary>Validates a JSON value against a schema node of the spec (one the constructor collected, or a component reference).</summary>
    public List<string> Validate(JsonNode? value, JsonNode schema, string where)
    {
        JsonSchema target;
        if (_keys.TryGetValue(schema, out var key)) target = _byKey[key];
        else if ((string?)schema["$ref"] is { } r) target = _byKey[r.Split('/').Last()];
        else throw new InvalidOperationException("schema not collected: " + schema.ToJsonString());
        var json = value is null ? "null" : value.ToJsonString();
        return target.Validate(json).Select(e => $"{where}{(string.IsNullOrEmpty(e.Path) ? "" : " " + e.Path)}: {e.Kind}{(e is ChildSchemaValidationError c ? " (" + string.Join("; ", c.Errors.SelectMany(x => x.Value).Select(x => x.Path + " " + x.Kind)) + ")" : "")}").ToList();
    }

    /// <summary>What checking one recorded exchange found (match, request and response problems).</summary>
    public ContractResult Check(WireExchange exchange)
    {
        var match = new List<string>();
        var request = new List<string>();
        var response = new List<string>();
        var candidates = _index.Match(exchange.Method, exchange.Path);
        if (candidates.Count == 0 || (candidates.Count > 1 && candidates[0].LiteralLength == candidates[1].LiteralLength))
        {
            match.Add(candidates.Count == 0 ? $"no operation for {exchange.Method} {exchange.Path}" : "ambiguous");
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
            if (!parameters.TryGetValue(group.Key, out var p)) { errors.Add($"query parameter '{group.Key}' is not declared"); continue; }
            var schema = p["schema"]!;
            var isArray = (string?)Deref(schema)["type"] == "array";
            if (isArray)
            {
                var items = Deref(schema)["items"]!;
                var array = new JsonArray(group.Select(v => FormValue(v.Value, Deref(items))).ToArray());
                errors.AddRange(Validate(array, schema, "query." + group.Key));
            }
            else
            {
                if (group.Count() > 1) errors.Add($"query parameter '{group.Key}' repeated but not an array");
                errors.AddRange(Validate(FormValue(group.First().Value, Deref(schema)), schema, "query." + group.Key));
            }
        }
        foreach (var (name, p) in parameters)
            if ((bool?)p["required"] == true && !exchange.Query.Any(q => q.Key == name)) errors.Add($"required query parameter '{name}' missing");
    }

    private void CheckBody(WireExchange exchange, SpecOperation op, List<string> errors)
    {
        var raw = WireExchange.RawBytes(exchange.Request);
        if (op.Operation["requestBody"] is not JsonObject requestBody)
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
        if (mediaType is null || content[mediaType] is not JsonObject media)
        {
            if (content.ContainsKey("application/octet-stream")) return; // raw bytes: any content type
            errors.Add($"request media type '{mediaType}' not declared");
            return;
        }
        if (mediaType != "application/json") return;
        if (exchange.Request["body"] is not JsonNode body) { errors.Add("request body is not JSON"); return; }
        errors.AddRange(Validate(body, media["schema"]!, "body"));
    }

    private void CheckResponse(WireExchange exchange, SpecOperation op, List<string> errors)
    {
        var responses = op.Operation["responses"]!.AsObject();
        var status = exchange.Status.ToString(CultureInfo.InvariantCulture);
        var declared = responses[status] ?? responses[status[0] + "XX"] ?? responses["default"];
        if (declared is null) { errors.Add($"status {status} not declared"); return; }
        var content = Response(declared)["content"] as JsonObject;
        var raw = WireExchange.RawBytes(exchange.Response);
        var mediaType = WireExchange.MediaType(exchange.Response);
        if (raw.Length == 0)
        {
            // No body: nothing to validate, as long as an empty body is allowed (no content, or a text type).
            if (content is null || mediaType is null || exchange.Status >= 400 && content["text/plain"] is not null) return;
            if (content[mediaType]?["schema"] is { } s && (string?)Deref(s)["type"] == "string") return;
            errors.Add($"empty {mediaType} body where a structured body is declared");
            return;
        }
        if (content is null) { errors.Add($"status {status} declares no body but one came back"); return; }
        if (mediaType is null || content[mediaType] is not JsonObject media) { errors.Add($"response media type '{mediaType}' not declared for {status}"); return; }
        if (!mediaType.EndsWith("json", StringComparison.Ordinal))
        {
            if ((string?)Deref(media["schema"]!)["type"] != "string") errors.Add($"{mediaType} body where the schema is not a string");
            return;
        }
        var body = exchange.Response["body"];
        if (body is null)
        {
            // Not JSON: only acceptable where the operation declares Flask's bare non-finite tokens.
            if ((bool?)op.Operation["x-mlflow-bare-nonfinite-numbers"] != true) { errors.Add("response body is not JSON"); return; }
            body = LenientJson.Parse(System.Text.Encoding.UTF8.GetString(raw));
            if (body is null) { errors.Add("response body is not JSON even with bare non-finite tokens"); return; }
        }
        errors.AddRange(Validate(body, media["schema"]!, "response"));
    }

    private JsonNode Response(JsonNode response) =>
        (string?)response["$ref"] is { } r ? _index.Spec["components"]!["responses"]![r.Split('/').Last()]! : response;

    private JsonNode Deref(JsonNode schema) =>
        (string?)schema["$ref"] is { } r ? _index.Spec["components"]!["schemas"]![r.Split('/').Last()]! : schema;

    /// <summary>A query value (text) read as the declared scalar type would read it; text that does not parse stays text.</summary>
    private static JsonNode? FormValue(string text, JsonNode schema)
    {
        var types = schema["type"] switch
        {
            JsonArray a => a.Select(t => (string)t!).ToList(),
            JsonValue v => [(string)v!],
            _ => new List<string>(),
        };
        if (types.Contains("integer") && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return l;
        if (types.Contains("number") && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
        if (types.Contains("boolean") && bool.TryParse(text, out var b)) return b;
        return text;
    }

    /// <summary>
    /// The schema with component references pointing into the definitions of the validation document, and
    /// <c>const: v</c> written as its equivalent <c>enum: [v]</c> (NJsonSchema does not check <c>const</c>).
    /// </summary>
    private static JsonNode? Rewrite(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => p.Key switch
        {
            "$ref" when (string?)p.Value is { } r => KeyValuePair.Create(p.Key, (JsonNode?)("#/definitions/" + r.Split('/').Last())),
            "const" => KeyValuePair.Create("enum", (JsonNode?)new JsonArray(p.Value?.DeepClone())),
            _ => KeyValuePair.Create(p.Key, Rewrite(p.Value)),
        })),
        JsonArray a => new JsonArray(a.Select(Rewrite).ToArray()),
        _ => node?.DeepClone(),
    };
}
