using System.Text;
using System.Text.Json.Nodes;

namespace Mlflow.SpecGen;

/// <summary>
/// Builds the OpenAPI 3.1 document: proto services give the proto routes and their schemas (the proto's
/// <c>since</c> is the REST API version: <c>/api/{major}.0</c> and <c>x-mlflow-api</c>), the optional catalog gives
/// areas and first MLflow releases, a previous spec keeps them for operations the catalog does not list (and marks
/// new ones with <see cref="SpecOptions.MlflowVersion"/>), the overlay adds everything the protos cannot say.
/// </summary>
internal sealed class SpecBuilder(ProtoStore protos, Catalog? catalog, Overlay overlay, SpecOptions? options = null)
{
    private readonly SpecOptions _options = options ?? new SpecOptions();
    private readonly Dictionary<string, JsonObject> _previousOps = PreviousOperations(options?.Previous);

    /// <summary>
    /// What the build left out or substituted (an overlay route for a newer MLflow, a patch of an absent
    /// operation, a route whose schemas the protos lack): empty for the sources the overlay was written for.
    /// </summary>
    public List<string> Notes { get; } = new();

    /// <summary>The four proto services the OSS tracking server serves.</summary>
    private static readonly HashSet<string> ServedServices = new(StringComparer.Ordinal)
    {
        "mlflow.MlflowService", "mlflow.ModelRegistryService", "mlflow.artifacts.MlflowArtifactsService", "mlflow.WebhookService",
    };

    private readonly JsonObject _paths = new();
    private readonly JsonObject _schemas = new();
    private readonly HashSet<string> _operationIds = new(StringComparer.Ordinal);
    private readonly Queue<string> _pendingProtoTypes = new();
    private readonly HashSet<string> _emittedProtoTypes = new(StringComparer.Ordinal);

    public JsonObject Build()
    {
        foreach (var (name, schema) in overlay.Schemas) _schemas[name] = Shorthand.Expand(schema, $"overlay schema {name}");
        AddCommonSchemas();
        AddProtoRoutes();
        foreach (var route in overlay.Routes)
        {
            if (TooNew((string?)route["since"] ?? catalog?.Find((string)route["method"]!, (string)route["path"]!)?.FirstRelease))
            {
                Notes.Add($"overlay route {route["operationId"]} ({route["method"]} {route["path"]}) is newer than MLflow {_options.MlflowVersion}: left out");
                continue;
            }
            if ((string?)route["copyOf"] is { } copyOf && FindOperation(copyOf) is null)
            {
                Notes.Add($"overlay route {route["operationId"]} copies {copyOf}, which these protos do not have: left out");
                continue;
            }
            AddOverlayRoute(route);
        }
        EnqueueProtoTypesNamedByOverlay();
        DrainProtoTypes();
        ApplyPatches();
        DropWhatNamesMissingSchemas();
        ApplyAlwaysWritten();
        var webhooks = BuildWebhooks();
        if (Notes.Count > 0) DropUnreachableSchemas(webhooks);

        var doc = new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject
            {
                ["title"] = "MLflow REST API",
                ["version"] = DocumentVersion,
                ["summary"] = "MLflow tracking server, model registry, basic-auth app and Deployments server, as served by MLflow " + DocumentVersion + ".",
                ["description"] = "Derived by generators/Mlflow.SpecGen from MLflow's proto services (" + protos.Source +
                    "), " + (catalog is null ? "" : "its route catalog ") + "and a hand-written overlay for routes that have no proto. " +
                    "Every operation whose path starts with /api/ and that carries x-mlflow-ajax-mirror is also served unchanged under /ajax-api/ (the web UI's prefix).",
                ["license"] = new JsonObject { ["name"] = "Apache-2.0", ["identifier"] = "Apache-2.0" },
            },
            ["jsonSchemaDialect"] = "https://spec.openapis.org/oas/3.1/dialect/base",
            ["servers"] = new JsonArray(new JsonObject
            {
                ["url"] = "{trackingUri}",
                ["description"] = "The MLflow tracking URI (may carry a path prefix such as https://host/mlflow), or the Deployments server's URL for operations tagged deployments.",
                ["variables"] = new JsonObject { ["trackingUri"] = new JsonObject { ["default"] = "http://localhost:5000" } },
            }),
            ["tags"] = new JsonArray(_paths.SelectMany(p => p.Value!.AsObject().Select(o => (string)o.Value!["tags"]![0]!))
                .Distinct().Order(StringComparer.Ordinal).Select(t => (JsonNode)new JsonObject { ["name"] = t, ["description"] = TagDescription(t) }).ToArray()),
            ["paths"] = SortPaths(_paths),
            ["webhooks"] = webhooks,
            ["components"] = new JsonObject
            {
                ["schemas"] = Sorted(_schemas),
                ["responses"] = ErrorResponses(),
                ["securitySchemes"] = new JsonObject
                {
                    ["basic"] = new JsonObject { ["type"] = "http", ["scheme"] = "basic", ["description"] = "MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD (basic-auth app)." },
                    ["bearer"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer", ["description"] = "MLFLOW_TRACKING_TOKEN." },
                },
            },
            ["security"] = new JsonArray(new JsonObject(), new JsonObject { ["basic"] = new JsonArray() }, new JsonObject { ["bearer"] = new JsonArray() }),
            ["x-mlflow-wire"] = new JsonObject
            {
                ["int64AsString"] = "Readers accept int64 values as JSON numbers or as strings holding the number; servers write numbers.",
                ["nonFiniteDoubles"] = "Doubles may be the strings \"NaN\", \"Infinity\" and \"-Infinity\".",
                ["fieldNames"] = "Servers accept snake_case or lowerCamelCase request fields; they write snake_case.",
                ["workspaceHeader"] = "X-MLFLOW-WORKSPACE selects the workspace on servers started with workspaces enabled; it is not sent on /mlflow/workspaces routes.",
            },
        };
        return doc;
    }

    /// <summary>Marks the fields MLflow always writes in answers (overlay alwaysWritten) as x-mlflow-always-written.</summary>
    private void ApplyAlwaysWritten()
    {
        // Against the protos of another MLflow version a schema or field may be absent: a note, not an error.
        var lenient = _options.MlflowVersion is not null;
        foreach (var (name, fields) in overlay.AlwaysWritten)
        {
            if (_schemas[name] is not JsonObject schema)
            {
                if (!lenient) throw new SpecGenException($"overlay alwaysWritten names no schema {name}");
                Notes.Add($"alwaysWritten.{name}: these protos have no such schema; skipped");
                continue;
            }
            var properties = schema["properties"]?.AsObject();
            var present = new List<string>();
            foreach (var field in fields)
            {
                if (properties is not null && properties.ContainsKey(field)) present.Add(field);
                else if (!lenient) throw new SpecGenException($"overlay alwaysWritten.{name} names no field {field}");
                else Notes.Add($"alwaysWritten.{name}.{field}: these protos have no such field; skipped");
            }
            if (present.Count > 0) schema["x-mlflow-always-written"] = new JsonArray(present.Select(f => (JsonNode)JsonValue.Create(f)!).ToArray());
        }
    }

    // ----------------------------------------------------------------- versions

    /// <summary>info.version: the MLflow version built for, else the previous spec's, else 3.11.</summary>
    private string DocumentVersion =>
        _options.MlflowVersion is { } v ? ShortVersion(v) : (string?)_options.Previous?["info"]?["version"] ?? "3.11";

    private static string ShortVersion(string version)
    {
        var parts = version.Split('.');
        return parts.Length >= 2 ? parts[0] + "." + parts[1] : version;
    }

    private static Dictionary<string, JsonObject> PreviousOperations(JsonObject? previous)
    {
        var result = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var (_, item) in previous?["paths"]?.AsObject() ?? new JsonObject())
            foreach (var (_, op) in item!.AsObject())
                if (op is JsonObject o && (string?)o["operationId"] is { } id) result[id] = o;
        return result;
    }

    /// <summary>
    /// The first MLflow release of a proto operation the catalog does not list: the previous spec's value when it
    /// had the operation; when it did not, the version being built (the operation is new in it); else unknown.
    /// </summary>
    private string FirstReleaseWithoutCatalog(JsonObject? previous)
    {
        if ((string?)previous?["x-mlflow-since"] is { } known && known != "unknown") return known;
        if (previous is null && _options.Previous is not null && _options.MlflowVersion is { } version) return version;
        return "unknown";
    }

    /// <summary>True when a route's first release is later than the MLflow version being built.</summary>
    private bool TooNew(string? since) =>
        _options.MlflowVersion is { } target && since is not null && ReleaseOrder.Compare(since, target) > 0;

    /// <summary>A tag for a proto route the catalog does not list, from its path.</summary>
    private static string AreaOf(string path)
    {
        var m = System.Text.RegularExpressions.Regex.Match(path, @"^/(?:ajax-)?api/\d+\.\d+/mlflow(-artifacts)?/([^/{]+)");
        if (!m.Success) return "misc";
        if (m.Groups[1].Success) return "artifacts";
        return m.Groups[2].Value switch
        {
            "registered-models" or "model-versions" => "registry",
            "mpu" or "presigned" => "artifacts",
            var segment => segment,
        };
    }

    // ----------------------------------------------------------------- older versions

    /// <summary>Overlay schemas may name proto types (<c>#RunInfo</c>) that no proto route reaches: emit those too.</summary>
    private void EnqueueProtoTypesNamedByOverlay()
    {
        var byName = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var full in protos.Messages.Keys.Concat(protos.Enums.Keys))
            byName.TryAdd(SchemaName(full), full);
        var known = new HashSet<string>(_schemas.Select(x => x.Key), StringComparer.Ordinal);
        foreach (var name in References(_schemas).Concat(References(_paths)))
        {
            if (known.Contains(name) || !byName.TryGetValue(name, out var full) || _emittedProtoTypes.Contains(full)) continue;
            _emittedProtoTypes.Add(full);
            _pendingProtoTypes.Enqueue(full);
        }
    }

    /// <summary>
    /// Protos of an older MLflow lack messages the overlay's routes use: drop the overlay schemas, operations and
    /// webhooks that name a schema nobody defines (repeatedly, as dropping a schema can orphan others).
    /// </summary>
    private void DropWhatNamesMissingSchemas()
    {
        while (true)
        {
            var defined = new HashSet<string>(_schemas.Select(x => x.Key), StringComparer.Ordinal);
            var brokenSchemas = _schemas.Where(x => References(x.Value).Any(r => !defined.Contains(r))).Select(x => x.Key).ToList();
            foreach (var name in brokenSchemas)
            {
                Notes.Add($"overlay schema {name} names a schema these protos lack ({string.Join(", ", References(_schemas[name]).Where(r => !defined.Contains(r)).Distinct())}): left out");
                _schemas.Remove(name);
            }
            if (brokenSchemas.Count == 0) break;
        }
        var schemas = new HashSet<string>(_schemas.Select(x => x.Key), StringComparer.Ordinal);
        foreach (var (path, item) in _paths.ToList())
        {
            foreach (var (method, op) in item!.AsObject().ToList())
            {
                var missing = References(op).Where(r => !schemas.Contains(r)).Distinct().ToList();
                if (missing.Count == 0) continue;
                Notes.Add($"operation {op!["operationId"]} ({method.ToUpperInvariant()} {path}) names schemas these protos lack ({string.Join(", ", missing)}): left out");
                _operationIds.Remove((string)op!["operationId"]!);
                item.AsObject().Remove(method);
            }
            if (item.AsObject().Count == 0) _paths.Remove(path);
        }
        _definedSchemas = schemas;
    }

    private HashSet<string>? _definedSchemas;

    /// <summary>After routes were left out, their schemas are left out too (those no operation or webhook reaches).</summary>
    private void DropUnreachableSchemas(JsonObject webhooks)
    {
        var reachable = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>(References(_paths).Concat(References(webhooks)));
        while (queue.Count > 0)
        {
            var name = queue.Dequeue();
            if (!reachable.Add(name) || _schemas[name] is not JsonNode schema) continue;
            foreach (var r in References(schema)) queue.Enqueue(r);
        }
        foreach (var name in new[] { "ErrorResponse", "FastApiErrorResponse", "FastApiValidationError", "DeploymentsErrorDetail" })
            foreach (var r in References(_schemas[name]).Append(name)) reachable.Add(r);
        foreach (var (name, _) in _schemas.ToList())
            if (!reachable.Contains(name)) _schemas.Remove(name);
    }

    private static IEnumerable<string> References(JsonNode? node)
    {
        const string prefix = "#/components/schemas/";
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    if (key == "$ref" && (string?)value is { } r && r.StartsWith(prefix, StringComparison.Ordinal)) yield return r[prefix.Length..];
                    else foreach (var x in References(value)) yield return x;
                }
                break;
            case JsonArray a:
                foreach (var item in a)
                    foreach (var x in References(item)) yield return x;
                break;
        }
    }

    // ----------------------------------------------------------------- proto routes

    private void AddProtoRoutes()
    {
        foreach (var rpc in protos.Rpcs.Where(r => ServedServices.Contains(r.Service)))
        {
            if (overlay.Exclude.ContainsKey(rpc.Name)) continue;
            var hasPostTwin = rpc.Endpoints.Any(e => e.Method == "POST") && rpc.Endpoints.Any(e => e.Method == "GET");
            foreach (var ep in rpc.Endpoints)
            {
                var major = ep.Since.Split('.')[0];
                var path = "/api/" + major + ".0" + ConvertProtoPath(ep.Path, out var slashParams, out var bodyBound);
                var rpcName = overlay.OperationIds.TryGetValue(rpc.Service.Split('.').Last() + "." + rpc.Name, out var renamed) ? renamed : rpc.Name;
                var operationId = hasPostTwin && ep.Method == "GET" ? rpcName + "Get" : rpcName;
                var row = catalog?.Find(ep.Method, path);
                _previousOps.TryGetValue(operationId, out var previous);
                var op = new JsonObject
                {
                    ["operationId"] = operationId,
                    ["summary"] = Humanize(rpc.Name),
                    ["tags"] = new JsonArray(row?.Area ?? (string?)previous?["tags"]?[0] ?? AreaOf(path)),
                };
                if (!ep.Path.StartsWith('/'))
                {
                    op["deprecated"] = true;
                    op["description"] = "The proto binding of this RPC lacks its leading '/', so the server registers this malformed path and it is unreachable in practice; use the /ajax-api twin (searchDatasetsAjax).";
                }
                var parameters = new JsonArray();
                var pathParams = PathParameters(path).ToList();
                foreach (var p in pathParams)
                {
                    var param = new JsonObject { ["name"] = p, ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" } };
                    if (slashParams.Contains(p))
                    {
                        param["x-mlflow-allow-slashes"] = true;
                        param["description"] = "A relative artifact path; may contain '/'.";
                    }
                    if (bodyBound.TryGetValue(p, out var field)) param["x-mlflow-body-field"] = field;
                    parameters.Add(param);
                }
                var input = protos.Messages[rpc.Input];
                var boundFields = new HashSet<string>(pathParams.Concat(bodyBound.Values), StringComparer.Ordinal);
                if (ep.Method == "GET")
                {
                    foreach (var f in input.Fields)
                    {
                        if (boundFields.Contains(f.Name)) continue;
                        parameters.Add(QueryParameter(f, rpc.Input));
                    }
                }
                else
                {
                    _requestMessages.Add(rpc.Input);
                    // The body is required when it must carry a required field the path does not already carry
                    // (a DELETE whose fields all live in the path is sent without a body by MLflow's own clients).
                    var bodyRequired = input.Fields.Any(f => f.ValidateRequired && !boundFields.Contains(f.Name));
                    op["requestBody"] = new JsonObject
                    {
                        ["required"] = bodyRequired,
                        ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Ref(rpc.Input, boundFields) } },
                    };
                }
                if (parameters.Count > 0) op["parameters"] = parameters;
                op["responses"] = new JsonObject
                {
                    ["200"] = new JsonObject
                    {
                        ["description"] = "Success.",
                        ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Ref(rpc.Output) } },
                    },
                    ["default"] = new JsonObject { ["$ref"] = "#/components/responses/Error" },
                };
                var pagination = DetectPagination(rpc);
                if (pagination is not null) op["x-mlflow-pagination"] = pagination;
                op["x-mlflow-since"] = row?.FirstRelease ?? FirstReleaseWithoutCatalog(previous);
                op["x-mlflow-api"] = major + ".0";
                op["x-mlflow-source"] = rpc.File.Split('/').Last() + "#" + rpc.Service.Split('.').Last() + "." + rpc.Name;
                op["x-mlflow-rpc"] = rpc.Name;
                op["x-mlflow-server"] = "tracking";
                op["x-mlflow-visibility"] = rpc.Visibility;
                op["x-mlflow-ajax-mirror"] = true;
                if (row is { Unreleased: true }) op["x-mlflow-unreleased"] = row.FirstRelease;
                AddOperation(path, ep.Method, op);
            }
        }
    }

    /// <summary>
    /// Turns a proto path into an OpenAPI one: Flask-style <c>&lt;path:x&gt;</c> becomes <c>{x}</c> (may hold
    /// slashes), and dotted body references such as <c>{assessment.trace_id}</c> become <c>{trace_id}</c>.
    /// </summary>
    private static string ConvertProtoPath(string protoPath, out HashSet<string> slashParams, out Dictionary<string, string> bodyBound)
    {
        slashParams = new HashSet<string>(StringComparer.Ordinal);
        bodyBound = new Dictionary<string, string>(StringComparer.Ordinal);
        var sb = new StringBuilder();
        var i = 0;
        while (i < protoPath.Length)
        {
            var c = protoPath[i];
            if (c is '<' or '{')
            {
                var close = protoPath.IndexOf(c == '<' ? '>' : '}', i);
                var inner = protoPath[(i + 1)..close];
                if (c == '<')
                {
                    var colon = inner.IndexOf(':');
                    var converter = colon < 0 ? "" : inner[..colon];
                    inner = colon < 0 ? inner : inner[(colon + 1)..];
                    if (converter == "path") slashParams.Add(inner);
                }
                if (inner.Contains('.'))
                {
                    var leaf = inner[(inner.LastIndexOf('.') + 1)..];
                    bodyBound[leaf] = inner;
                    inner = leaf;
                }
                sb.Append('{').Append(inner).Append('}');
                i = close + 1;
                continue;
            }
            sb.Append(c);
            i++;
        }
        return sb.ToString();
    }

    private static IEnumerable<string> PathParameters(string path)
    {
        var i = 0;
        while ((i = path.IndexOf('{', i)) >= 0)
        {
            var close = path.IndexOf('}', i);
            yield return path[(i + 1)..close];
            i = close + 1;
        }
    }

    private JsonObject QueryParameter(ProtoField f, string owner)
    {
        if (f.Type == "message" && f.MapKey is null && !IsScalarWkt(f.TypeName!))
            throw new SpecGenException($"{owner}.{f.Name}: a message-typed field cannot travel in a GET query string");
        var item = QueryItemSchema(f);
        var param = new JsonObject { ["name"] = f.Name, ["in"] = "query" };
        if (f.ValidateRequired) param["required"] = true;
        if (f.Repeated)
        {
            param["style"] = "form";
            param["explode"] = true;
            param["schema"] = new JsonObject { ["type"] = "array", ["items"] = item };
        }
        else
        {
            param["schema"] = item;
        }
        return param;
    }

    private JsonObject? DetectPagination(ProtoRpc rpc)
    {
        var input = protos.Messages[rpc.Input];
        var output = protos.Messages[rpc.Output];
        if (!input.Fields.Any(f => f.Name == "page_token") || !output.Fields.Any(f => f.Name == "next_page_token")) return null;
        var items = output.Fields.Where(f => f.Repeated && f.MapKey is null).ToList();
        if (items.Count != 1) return null;
        var result = new JsonObject
        {
            ["tokenParameter"] = "page_token",
            ["nextTokenField"] = "next_page_token",
            ["itemsField"] = items[0].Name,
        };
        if (input.Fields.Any(f => f.Name == "max_results")) result["maxResultsParameter"] = "max_results";
        return result;
    }

    // ----------------------------------------------------------------- proto schemas

    private JsonObject Ref(string protoType, HashSet<string>? notRequired = null)
    {
        var name = SchemaName(protoType);
        if (_emittedProtoTypes.Add(protoType)) _pendingProtoTypes.Enqueue(protoType);
        if (notRequired is { Count: > 0 }) _pathBoundFields[protoType] = notRequired;
        return new JsonObject { ["$ref"] = "#/components/schemas/" + name };
    }

    private readonly Dictionary<string, HashSet<string>> _pathBoundFields = new(StringComparer.Ordinal);
    private readonly HashSet<string> _requestMessages = new(StringComparer.Ordinal);

    private void DrainProtoTypes()
    {
        while (_pendingProtoTypes.Count > 0)
        {
            var type = _pendingProtoTypes.Dequeue();
            var name = SchemaName(type);
            if (protos.Enums.TryGetValue(type, out var e))
            {
                _schemas[name] = new JsonObject
                {
                    ["type"] = "string",
                    ["enum"] = new JsonArray(e.Values.Select(v => (JsonNode)v).ToArray()),
                    ["x-mlflow-proto"] = type,
                };
                continue;
            }
            if (overlay.Schemas.Any(x => x.Name == name))
                throw new SpecGenException($"overlay schema {name} has the same name as proto type {type}; rename one (overlay names)");
            var m = protos.Messages[type];
            var schema = new JsonObject { ["type"] = "object" };
            var props = new JsonObject();
            var required = new JsonArray();
            _pathBoundFields.TryGetValue(type, out var bound);
            var isRequest = _requestMessages.Contains(type);
            foreach (var f in m.Fields)
            {
                var fs = FieldSchema(f);
                var relaxed = overlay.RelaxRequired.TryGetValue(name, out var relax) && relax.ContainsKey(f.Name);
                var isRequired = f.ValidateRequired && !relaxed && (bound is null || !bound.Contains(f.Name));
                // MLflow parses request JSON with protobuf's JSON parser, which reads null as "not set".
                if (isRequest && !isRequired) fs = OrNull(fs);
                if (f.Oneof is not null) fs["x-mlflow-oneof"] = f.Oneof;
                if (f.Default is not null) fs["default"] = DefaultValue(f);
                props[f.Name] = fs;
                if (isRequired) required.Add(f.Name);
            }
            if (props.Count > 0) schema["properties"] = props;
            if (required.Count > 0) schema["required"] = required;
            schema["x-mlflow-proto"] = type;
            if (overlay.SchemaExamples.TryGetValue(name, out var example)) schema["example"] = example.DeepClone();
            _schemas[name] = schema;
        }
    }

    private JsonNode DefaultValue(ProtoField f) => f.Type switch
    {
        "bool" => bool.Parse(f.Default!),
        "int32" or "int64" or "uint32" or "uint64" or "fixed32" or "fixed64" => long.Parse(f.Default!),
        "double" or "float" => double.Parse(f.Default!, System.Globalization.CultureInfo.InvariantCulture),
        "enum" => EnumDefault(f),
        _ => f.Default!.Trim('\''),
    };

    private JsonNode EnumDefault(ProtoField f)
    {
        // The dump gives enum defaults by number; the wire uses names.
        var e = protos.Enums[f.TypeName!];
        if (e.Values.Contains(f.Default!)) return f.Default!;
        var index = e.Numbers.ToList().IndexOf(int.Parse(f.Default!, System.Globalization.CultureInfo.InvariantCulture));
        if (index < 0) throw new SpecGenException($"{f.TypeName}: default {f.Default} is not a value of the enum");
        return e.Values[index];
    }

    private JsonObject FieldSchema(ProtoField f)
    {
        if (f.MapKey is not null)
        {
            return new JsonObject { ["type"] = "object", ["additionalProperties"] = MapValueSchema(f.MapValue!) };
        }
        var item = BodyItemSchema(f);
        return f.Repeated ? new JsonObject { ["type"] = "array", ["items"] = item } : item;
    }

    private JsonObject MapValueSchema(string valueType) =>
        (ScalarSchema(valueType) is { } scalar ? WireSchema(valueType, scalar) : null) ?? TypeSchema(valueType);

    /// <summary>The schema of one value of a field in a JSON body (repeated fields: of one item).</summary>
    private JsonObject BodyItemSchema(ProtoField f) => f.Type switch
    {
        "message" or "enum" => TypeSchema(f.TypeName!),
        _ => WireSchema(f.Type, ScalarSchema(f.Type) ?? throw new SpecGenException($"unknown scalar type {f.Type} on field {f.Name}")),
    };

    /// <summary>The schema of a query-string value (text on the wire, read by the declared type).</summary>
    private JsonObject QueryItemSchema(ProtoField f) => f.Type switch
    {
        "message" or "enum" => TypeSchema(f.TypeName!),
        _ => ScalarSchema(f.Type) ?? throw new SpecGenException($"unknown scalar type {f.Type} on field {f.Name}"),
    };

    /// <summary>
    /// What JSON bodies really carry for a scalar (proto3 JSON mapping, as MLflow reads and writes it): doubles may
    /// be the strings "NaN", "Infinity" and "-Infinity"; 64-bit integers may be strings holding the number.
    /// </summary>
    private static JsonObject WireSchema(string protoType, JsonObject scalar) => protoType switch
    {
        "double" or "float" => new JsonObject
        {
            ["anyOf"] = new JsonArray(scalar, new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("NaN", "Infinity", "-Infinity") }),
        },
        "int64" or "uint64" or "fixed64" or "sfixed64" or "sint64" => new JsonObject
        {
            ["anyOf"] = new JsonArray(scalar, new JsonObject { ["type"] = "string", ["pattern"] = "^-?[0-9]+$" }),
        },
        _ => scalar,
    };

    /// <summary>The schema accepting also JSON null.</summary>
    private static JsonObject OrNull(JsonObject schema)
    {
        if (schema["anyOf"] is JsonArray any)
        {
            any.Add(new JsonObject { ["type"] = "null" });
            return schema;
        }
        if (schema["type"] is JsonValue t && (string?)t is { } typeName)
        {
            schema["type"] = new JsonArray(typeName, "null");
            return schema;
        }
        if (schema.ContainsKey("$ref"))
            return new JsonObject { ["anyOf"] = new JsonArray(schema, new JsonObject { ["type"] = "null" }) };
        return schema; // no type (any JSON value): null already fits
    }

    private static JsonObject? ScalarSchema(string type) => type switch
    {
        "double" => new JsonObject { ["type"] = "number", ["format"] = "double" },
        "float" => new JsonObject { ["type"] = "number", ["format"] = "float" },
        "int64" or "uint64" or "fixed64" or "sfixed64" or "sint64" or "uint32" => new JsonObject { ["type"] = "integer", ["format"] = "int64" },
        "int32" or "sint32" or "fixed32" or "sfixed32" => new JsonObject { ["type"] = "integer", ["format"] = "int32" },
        "bool" => new JsonObject { ["type"] = "boolean" },
        "string" => new JsonObject { ["type"] = "string" },
        "bytes" => new JsonObject { ["type"] = "string", ["format"] = "byte" },
        _ => null,
    };

    private static bool IsScalarWkt(string type) => type is "google.protobuf.Timestamp" or "google.protobuf.Duration" or "google.protobuf.FieldMask";

    private JsonObject TypeSchema(string type) => type switch
    {
        "google.protobuf.Timestamp" => new JsonObject { ["type"] = "string", ["format"] = "date-time" },
        "google.protobuf.Duration" => new JsonObject { ["type"] = "string", ["x-mlflow-wkt"] = "duration", ["description"] = "A duration such as \"1.5s\"." },
        "google.protobuf.FieldMask" => new JsonObject { ["type"] = "string", ["x-mlflow-wkt"] = "field-mask", ["description"] = "Comma-separated lowerCamelCase field paths." },
        "google.protobuf.Value" => new JsonObject { ["x-mlflow-wkt"] = "value", ["description"] = "Any JSON value." },
        "google.protobuf.Struct" => new JsonObject { ["type"] = "object", ["x-mlflow-wkt"] = "struct" },
        "google.protobuf.ListValue" => new JsonObject { ["type"] = "array", ["x-mlflow-wkt"] = "list-value" },
        _ => Ref(type),
    };

    /// <summary>Schema name of a proto message or enum (see spec/README.md).</summary>
    public string SchemaName(string fullName)
    {
        if (overlay.Names.TryGetValue(fullName, out var renamed)) return renamed;
        var package = protos.Messages.TryGetValue(fullName, out var m) ? m.Package
            : protos.Enums.TryGetValue(fullName, out var e) ? e.Package
            : throw new SpecGenException($"unknown proto type {fullName}");
        var local = fullName[(package.Length + 1)..].Replace(".", "", StringComparison.Ordinal);
        return package.StartsWith("opentelemetry", StringComparison.Ordinal) ? "Otel" + local : local;
    }

    // ----------------------------------------------------------------- overlay routes

    private void AddOverlayRoute(JsonObject route)
    {
        var method = (string)route["method"]!;
        var path = (string)route["path"]!;
        var operationId = (string)route["operationId"]!;
        var where = $"overlay route {method} {path}";
        var row = catalog?.Find(method, path);
        if ((string?)route["copyOf"] is { } copyOf)
        {
            // Same handler served at a second path (e.g. an /ajax-api twin the catalog lists on its own).
            var original = FindOperation(copyOf) ?? throw new SpecGenException($"{where}: copyOf names no operation {copyOf}");
            var copy = original.DeepClone().AsObject();
            copy["operationId"] = operationId;
            copy["summary"] = (string?)route["summary"] ?? original["summary"]!.DeepClone();
            copy.Remove("deprecated");
            copy.Remove("description");
            copy.Remove("x-mlflow-ajax-mirror");
            copy["x-mlflow-source"] = (string?)route["source"] ?? row?.Source ?? "overlay";
            copy["x-mlflow-since"] = (string?)route["since"] ?? row?.FirstRelease ?? "unknown";
            copy["x-mlflow-copy-of"] = copyOf;
            AddOperation(path, method, copy);
            return;
        }
        var op = new JsonObject
        {
            ["operationId"] = operationId,
            ["summary"] = (string?)route["summary"] ?? Humanize(operationId),
            ["tags"] = new JsonArray((string?)route["area"] ?? row?.Area ?? "misc"),
        };
        if (route["description"] is JsonNode d) op["description"] = d.DeepClone();
        var parameters = new JsonArray();
        var slashes = route["slashes"]?.AsArray().Select(x => (string)x!).ToHashSet() ?? new HashSet<string>();
        foreach (var p in PathParameters(path))
        {
            var param = new JsonObject { ["name"] = p, ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" } };
            if (slashes.Contains(p)) param["x-mlflow-allow-slashes"] = true;
            parameters.Add(param);
        }
        if (route["query"] is JsonObject query)
            foreach (var param in QueryParameters(query, where)) parameters.Add(param);
        if (route["headers"] is JsonObject headers)
        {
            foreach (var (key, value) in headers)
            {
                var name = key.TrimEnd('!');
                parameters.Add(new JsonObject { ["name"] = name, ["in"] = "header", ["required"] = key.EndsWith('!'), ["schema"] = Shorthand.Expand(value, where + " header " + name) });
            }
        }
        if (parameters.Count > 0) op["parameters"] = parameters;
        if (route["body"] is JsonNode body)
        {
            var contentType = (string?)route["bodyContentType"] ?? ((body is JsonValue bv && (string?)bv == "binary") ? "application/octet-stream" : "application/json");
            var content = new JsonObject { [contentType] = new JsonObject { ["schema"] = Shorthand.Expand(body, where + " body") } };
            foreach (var (extraType, extraSchema) in route["bodyContentTypes"]?.AsObject() ?? new JsonObject())
                content[extraType] = new JsonObject { ["schema"] = Shorthand.Expand(extraSchema, where + " body " + extraType) };
            op["requestBody"] = new JsonObject
            {
                ["required"] = (bool?)route["bodyRequired"] ?? true,
                ["content"] = content,
            };
        }
        op["responses"] = Responses(route["responses"]?.AsObject(), (string?)route["errors"] ?? "mlflow", where);
        if (route["pagination"] is JsonNode pg) op["x-mlflow-pagination"] = pg.DeepClone();
        if ((bool?)route["bareNonFiniteNumbers"] == true) op["x-mlflow-bare-nonfinite-numbers"] = true;
        op["x-mlflow-since"] = (string?)route["since"] ?? row?.FirstRelease ?? "unknown";
        op["x-mlflow-api"] = path.StartsWith("/api/2.0", StringComparison.Ordinal) || path.StartsWith("/ajax-api/2.0", StringComparison.Ordinal) ? "2.0"
            : path.StartsWith("/api/3.0", StringComparison.Ordinal) || path.StartsWith("/ajax-api/3.0", StringComparison.Ordinal) ? "3.0" : "none";
        op["x-mlflow-source"] = (string?)route["source"] ?? row?.Source ?? "overlay";
        op["x-mlflow-server"] = route["server"]?.DeepClone() ?? "tracking";
        if ((string?)route["unreleased"] is { } unreleased) op["x-mlflow-unreleased"] = unreleased;
        else if (row is { Unreleased: true }) op["x-mlflow-unreleased"] = row.FirstRelease;
        if ((bool?)route["ajaxMirror"] == true) op["x-mlflow-ajax-mirror"] = true;
        AddOperation(path, method, op);
    }

    private static IEnumerable<JsonObject> QueryParameters(JsonObject query, string where)
    {
        foreach (var (key, value) in query)
        {
            var name = key.TrimEnd('!');
            var schema = Shorthand.Expand(value, where + " query " + name);
            var param = new JsonObject { ["name"] = name, ["in"] = "query" };
            if (key.EndsWith('!')) param["required"] = true;
            if ((string?)schema["type"] == "array")
            {
                param["style"] = "form";
                param["explode"] = true;
            }
            if (schema["description"] is JsonNode desc)
            {
                param["description"] = desc.DeepClone();
                schema.AsObject().Remove("description");
            }
            param["schema"] = schema;
            yield return param;
        }
    }

    private static JsonObject Responses(JsonObject? responses, string errors, string where)
    {
        var result = new JsonObject();
        foreach (var (status, media) in responses ?? new JsonObject())
        {
            var response = new JsonObject { ["description"] = status.StartsWith('2') ? "Success." : "See the summary." };
            if (media is JsonObject mo && mo.Count > 0)
            {
                var content = new JsonObject();
                foreach (var (type, schema) in mo)
                    content[type] = new JsonObject { ["schema"] = Shorthand.Expand(schema, $"{where} response {status} {type}") };
                response["content"] = content;
            }
            result[status] = response;
        }
        result["default"] = new JsonObject
        {
            ["$ref"] = errors switch
            {
                "mlflow" => "#/components/responses/Error",
                "fastapi" => "#/components/responses/FastApiError",
                "deployments" => "#/components/responses/DeploymentsError",
                _ => throw new SpecGenException($"{where}: unknown error style '{errors}'"),
            },
        };
        return result;
    }

    private void ApplyPatches()
    {
        foreach (var (operationId, patchNode) in overlay.Patches)
        {
            var patch = patchNode!.AsObject();
            var op = FindOperation(operationId);
            if (op is null)
            {
                Notes.Add($"patch of {operationId}: these protos have no such operation; skipped");
                continue;
            }
            var where = $"patch {operationId}";
            if (patch["summary"] is JsonNode s) op["summary"] = s.DeepClone();
            if (patch["description"] is JsonNode d) op["description"] = d.DeepClone();
            if (patch["pagination"] is JsonNode pg) op["x-mlflow-pagination"] = pg.DeepClone();
            if (patch["body"] is JsonNode body)
            {
                var contentType = (string?)patch["bodyContentType"] ?? "application/json";
                op["requestBody"] = new JsonObject
                {
                    ["required"] = true,
                    ["content"] = new JsonObject { [contentType] = new JsonObject { ["schema"] = Shorthand.Expand(body, where + " body") } },
                };
            }
            if (patch["addQuery"] is JsonObject q)
            {
                var parameters = op["parameters"]?.AsArray() ?? new JsonArray();
                foreach (var p in QueryParameters(q, where)) parameters.Add(p);
                op["parameters"] = parameters;
            }
            if (patch["responses"] is JsonObject responses)
            {
                var existing = op["responses"]!.AsObject();
                var replaced = Responses(responses, (string?)patch["errors"] ?? "mlflow", where);
                foreach (var (status, value) in replaced)
                {
                    if (status == "default" && patch["errors"] is null) continue;
                    existing[status] = value!.DeepClone();
                }
                op["responses"] = SortResponses(existing);
            }
            foreach (var status in patch["removeResponses"]?.AsArray() ?? new JsonArray())
                op["responses"]!.AsObject().Remove((string)status!);
        }
    }

    private JsonObject? FindOperation(string operationId)
    {
        foreach (var (_, item) in _paths)
            foreach (var (_, op) in item!.AsObject())
                if ((string?)op!["operationId"] == operationId) return op.AsObject();
        return null;
    }

    private void AddOperation(string path, string method, JsonObject op)
    {
        var id = (string)op["operationId"]!;
        if (!_operationIds.Add(id)) throw new SpecGenException($"duplicate operationId {id} ({method} {path})");
        var item = _paths[path]?.AsObject();
        if (item is null) _paths[path] = item = new JsonObject();
        var key = method.ToLowerInvariant();
        if (item.ContainsKey(key)) throw new SpecGenException($"two operations for {method} {path}");
        item[key] = op;
    }

    // ----------------------------------------------------------------- webhooks

    private JsonObject BuildWebhooks()
    {
        var result = new JsonObject();
        foreach (var hook in overlay.Webhooks)
        {
            var entity = (string)hook["entity"]!;
            var action = (string)hook["action"]!;
            var payloadName = (string)hook["payload"]!;
            if (TooNew((string?)hook["since"] ?? "3.3.0") || (_definedSchemas is { } defined && !defined.Contains(payloadName)))
            {
                Notes.Add($"webhook {entity}.{action} is newer than MLflow {_options.MlflowVersion} or lacks its payload schema: left out");
                continue;
            }
            var key = entity + "." + action;
            var envelope = new JsonObject
            {
                ["type"] = "object",
                ["required"] = new JsonArray("entity", "action", "timestamp", "data"),
                ["properties"] = new JsonObject
                {
                    ["entity"] = new JsonObject { ["type"] = "string", ["const"] = entity },
                    ["action"] = new JsonObject { ["type"] = "string", ["const"] = action },
                    ["timestamp"] = new JsonObject { ["type"] = "string", ["format"] = "date-time", ["description"] = "When the event happened (ISO 8601, UTC offset)." },
                    ["data"] = new JsonObject { ["$ref"] = "#/components/schemas/" + payloadName },
                    ["workspace"] = new JsonObject { ["type"] = "string", ["description"] = "Present when the server runs with workspaces enabled." },
                },
            };
            result[key] = new JsonObject
            {
                ["post"] = new JsonObject
                {
                    ["operationId"] = "webhook" + Pascal(entity) + Pascal(action),
                    ["summary"] = (string?)hook["summary"] ?? key,
                    ["tags"] = new JsonArray("webhooks"),
                    ["parameters"] = new JsonArray(
                        Header("X-MLflow-Delivery-Id", true, "A UUID, the same on every retry of one delivery."),
                        Header("X-MLflow-Timestamp", true, "Unix time in seconds when the delivery was signed."),
                        Header("X-MLflow-Signature", false, "v1,<base64 HMAC-SHA256 of \"{delivery_id}.{timestamp}.{body}\" keyed with the webhook secret>; absent when the webhook has no secret.")),
                    ["requestBody"] = new JsonObject
                    {
                        ["required"] = true,
                        ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = envelope } },
                    },
                    ["responses"] = new JsonObject
                    {
                        ["2XX"] = new JsonObject { ["description"] = "Delivered; any status below 400 counts as success." },
                        ["default"] = new JsonObject { ["description"] = "Failed; 429 and 5xx are retried by MLflow with the same delivery id." },
                    },
                    ["x-mlflow-entity"] = entity,
                    ["x-mlflow-action"] = action,
                    ["x-mlflow-since"] = (string?)hook["since"] ?? "3.3.0",
                    ["x-mlflow-source"] = "mlflow/webhooks/types.py",
                },
            };
        }
        return result;
    }

    private static JsonObject Header(string name, bool required, string description) => new()
    {
        ["name"] = name,
        ["in"] = "header",
        ["required"] = required,
        ["description"] = description,
        ["schema"] = new JsonObject { ["type"] = "string" },
    };

    // ----------------------------------------------------------------- shared pieces

    private void AddCommonSchemas()
    {
        _schemas["ErrorResponse"] = new JsonObject
        {
            ["type"] = "object",
            ["description"] = "MLflow's error body. error_code is one of MLflow's ErrorCode names; read it as a string, new codes appear.",
            ["required"] = new JsonArray("error_code"),
            ["properties"] = new JsonObject
            {
                ["error_code"] = new JsonObject { ["type"] = "string" },
                ["message"] = new JsonObject { ["type"] = "string" },
                ["details"] = new JsonObject { ["description"] = "Extra information some errors carry." },
                ["sqlstate"] = new JsonObject { ["type"] = "string" },
                ["error_class"] = new JsonObject { ["type"] = "string" },
            },
            ["example"] = new JsonObject { ["error_code"] = "RESOURCE_DOES_NOT_EXIST", ["message"] = "No Experiment with id=42 exists" },
        };
        _schemas["FastApiErrorResponse"] = new JsonObject
        {
            ["type"] = "object",
            ["description"] = "FastAPI's error body: a sentence, or for validation errors a list of problems.",
            ["required"] = new JsonArray("detail"),
            ["properties"] = new JsonObject
            {
                ["detail"] = new JsonObject
                {
                    ["anyOf"] = new JsonArray(
                        new JsonObject { ["type"] = "string" },
                        new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["$ref"] = "#/components/schemas/FastApiValidationError" } },
                        new JsonObject { ["type"] = "object" }),
                },
            },
        };
        _schemas["FastApiValidationError"] = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["type"] = new JsonObject { ["type"] = "string" },
                ["loc"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["anyOf"] = new JsonArray(new JsonObject { ["type"] = "string" }, new JsonObject { ["type"] = "integer" }) } },
                ["msg"] = new JsonObject { ["type"] = "string" },
                ["input"] = new JsonObject(),
                ["ctx"] = new JsonObject { ["type"] = "object" },
            },
        };
        _schemas["DeploymentsErrorDetail"] = new JsonObject
        {
            ["type"] = "object",
            ["description"] = "The Deployments server's rate-limit answer.",
            ["required"] = new JsonArray("error"),
            ["properties"] = new JsonObject { ["error"] = new JsonObject { ["type"] = "string" } },
        };
    }

    private static JsonObject ErrorResponses()
    {
        JsonObject Text() => new() { ["schema"] = new JsonObject { ["type"] = "string" } };
        return new JsonObject
        {
            ["Error"] = new JsonObject
            {
                ["description"] = "An MLflow error (JSON), or a text/HTML body from the web framework, a proxy or the auth app; some unimplemented routes answer an empty 404.",
                ["content"] = new JsonObject
                {
                    ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/ErrorResponse" } },
                    ["text/plain"] = Text(),
                    ["text/html"] = Text(),
                },
            },
            ["FastApiError"] = new JsonObject
            {
                ["description"] = "A FastAPI error ({\"detail\": ...}); MLflow errors forwarded from the tracking store keep MLflow's shape.",
                ["content"] = new JsonObject
                {
                    ["application/json"] = new JsonObject
                    {
                        ["schema"] = new JsonObject { ["anyOf"] = new JsonArray(
                            new JsonObject { ["$ref"] = "#/components/schemas/FastApiErrorResponse" },
                            new JsonObject { ["$ref"] = "#/components/schemas/ErrorResponse" }) },
                    },
                    ["text/plain"] = Text(),
                    ["text/html"] = Text(),
                },
            },
            ["DeploymentsError"] = new JsonObject
            {
                ["description"] = "A Deployments server error: FastAPI's {\"detail\": ...}, {\"error\": ...} for rate limits, or plain text for unhandled failures.",
                ["content"] = new JsonObject
                {
                    ["application/json"] = new JsonObject
                    {
                        ["schema"] = new JsonObject { ["anyOf"] = new JsonArray(
                            new JsonObject { ["$ref"] = "#/components/schemas/FastApiErrorResponse" },
                            new JsonObject { ["$ref"] = "#/components/schemas/DeploymentsErrorDetail" }) },
                    },
                    ["text/plain"] = Text(),
                },
            },
        };
    }

    private static string TagDescription(string tag) => tag switch
    {
        "auth" => "Users and permissions of the basic-auth app (mlflow server --app-name basic-auth).",
        "deployments" => "The MLflow Deployments server (mlflow gateway start), a separate process.",
        "webhooks" => "Webhook CRUD and the deliveries MLflow sends.",
        "gateway" => "The tracking server's AI gateway: secrets, model definitions, endpoints, guardrails and its runtime routes.",
        "budget" => "AI gateway budget policies.",
        "misc" => "Health, version, server info and other server routes.",
        _ => "MLflow " + tag.Replace('-', ' ') + ".",
    };

    private static string Humanize(string name)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (i > 0 && char.IsUpper(c) && !char.IsUpper(name[i - 1])) sb.Append(' ');
            sb.Append(i == 0 ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
        }
        return sb.Append('.').ToString();
    }

    private static string Pascal(string snake) =>
        string.Concat(snake.Split('_').Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]));

    private static JsonObject Sorted(JsonObject o)
    {
        var result = new JsonObject();
        foreach (var (k, v) in o.OrderBy(p => p.Key, StringComparer.Ordinal).ToList()) result[k] = v?.DeepClone();
        return result;
    }

    private static JsonObject SortPaths(JsonObject paths)
    {
        string[] order = ["get", "put", "post", "delete", "patch"];
        var result = new JsonObject();
        foreach (var (path, item) in paths.OrderBy(p => p.Key, StringComparer.Ordinal).ToList())
        {
            var sortedItem = new JsonObject();
            foreach (var (m, op) in item!.AsObject().OrderBy(p => Array.IndexOf(order, p.Key)).ToList()) sortedItem[m] = op?.DeepClone();
            result[path] = sortedItem;
        }
        return result;
    }

    private static JsonObject SortResponses(JsonObject responses)
    {
        var result = new JsonObject();
        foreach (var (k, v) in responses.OrderBy(p => p.Key == "default" ? "zzz" : p.Key, StringComparer.Ordinal).ToList()) result[k] = v?.DeepClone();
        return result;
    }
}

/// <summary>How a spec is built beyond its sources.</summary>
/// <param name="Previous">The spec of the previous MLflow version (keeps first releases and tags the catalog does not give).</param>
/// <param name="MlflowVersion">The MLflow release the protos come from (first release of operations new in it; leaves out newer overlay routes).</param>
internal sealed record SpecOptions(JsonObject? Previous = null, string? MlflowVersion = null);

/// <summary>Orders MLflow release strings (1.27.0 &lt; 2.0 &lt; 3.10.1; "unknown" sorts first).</summary>
internal static class ReleaseOrder
{
    public static int Compare(string a, string b)
    {
        var x = Parts(a);
        var y = Parts(b);
        for (var i = 0; i < Math.Max(x.Length, y.Length); i++)
        {
            var c = (i < x.Length ? x[i] : 0).CompareTo(i < y.Length ? y[i] : 0);
            if (c != 0) return c;
        }
        return 0;
    }

    private static int[] Parts(string version) =>
        version.Split('.').Select(p => int.TryParse(new string(p.TakeWhile(char.IsDigit).ToArray()), out var n) ? n : 0).ToArray();
}
