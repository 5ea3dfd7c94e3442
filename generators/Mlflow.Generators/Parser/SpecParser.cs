using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Mlflow.Generators.Helpers;
using Mlflow.Generators.Json;
using Mlflow.Generators.Model;

namespace Mlflow.Generators.Parser
{
    /// <summary>Reads an OpenAPI 3.x document (JSON) into a value-equatable <see cref="SpecModel"/>. It only parses: no text is written here.</summary>
    internal sealed class SpecParser
    {
        private static readonly string[] Methods = { "get", "put", "post", "delete", "patch", "head", "options" };

        private static readonly HashSet<string> ModelReservedMembers = new HashSet<string>(StringComparer.Ordinal)
        {
            "AdditionalData", "Serialize", "GetFieldDeserializers", "CreateFromDiscriminatorValue", "Equals", "GetHashCode", "GetType", "ToString",
        };

        private static readonly HashSet<string> ExceptionMembers = new HashSet<string>(StringComparer.Ordinal)
        {
            "Message", "Data", "Source", "StackTrace", "InnerException", "HelpLink", "HResult", "TargetSite", "ResponseStatusCode", "ResponseHeaders",
        };

        private static readonly HashSet<string> BuilderReservedMembers = new HashSet<string>(StringComparer.Ordinal)
        {
            "PathParameters", "RequestAdapter", "UrlTemplate", "WithUrl", "Equals", "GetHashCode", "GetType", "ToString",
            "GetAsync", "PutAsync", "PostAsync", "DeleteAsync", "PatchAsync", "HeadAsync", "OptionsAsync",
            "ToGetRequestInformation", "ToPutRequestInformation", "ToPostRequestInformation", "ToDeleteRequestInformation",
            "ToPatchRequestInformation", "ToHeadRequestInformation", "ToOptionsRequestInformation", "WithTrailingSlash",
        };

        private readonly string _filePath;
        private readonly CancellationToken _cancellationToken;
        private readonly List<DiagnosticInfo> _diagnostics = new List<DiagnosticInfo>();
        private readonly Dictionary<string, TypeRef> _refCache = new Dictionary<string, TypeRef>(StringComparer.Ordinal);
        private readonly HashSet<string> _refsInProgress = new HashSet<string>(StringComparer.Ordinal);
        private readonly HashSet<string> _typeNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        private readonly List<ModelBuilder> _models = new List<ModelBuilder>();
        private readonly Dictionary<string, ModelBuilder> _modelsByName = new Dictionary<string, ModelBuilder>(StringComparer.Ordinal);
        private readonly List<EnumModel> _enums = new List<EnumModel>();
        private readonly HashSet<string> _errorModels = new HashSet<string>(StringComparer.Ordinal);
        private JsonObject _root = new JsonObject();

        private SpecParser(string filePath, CancellationToken cancellationToken)
        {
            _filePath = filePath;
            _cancellationToken = cancellationToken;
        }

        /// <summary>Parses the text of one spec file. Problems become diagnostics in the result; this never throws for bad input.</summary>
        public static SpecModel Parse(string filePath, string text, CancellationToken cancellationToken)
        {
            var parser = new SpecParser(filePath, cancellationToken);
            return parser.Run(text);
        }

        private SpecModel Run(string text)
        {
            JsonNode node;
            try
            {
                node = JsonReader.Parse(text);
            }
            catch (JsonReadException ex)
            {
                _diagnostics.Add(new DiagnosticInfo(DiagnosticIds.InvalidJson, _filePath, "", "the spec is not valid JSON: " + ex.Message + " (line " + ex.Line + ", column " + ex.Column + ")", ex.Line, ex.Column));
                return Empty();
            }

            if (!(node is JsonObject root))
            {
                Report(DiagnosticIds.Unsupported, "", node, "the spec's root must be a JSON object");
                return Empty();
            }

            _root = root;
            var openapi = root.GetString("openapi");
            if (openapi == null || !openapi.StartsWith("3.", StringComparison.Ordinal))
            {
                Report(DiagnosticIds.Unsupported, "/openapi", root.Get("openapi") ?? root, "only OpenAPI 3.x documents are supported (found '" + (openapi ?? "nothing") + "')");
                return Empty();
            }

            var title = root.GetObject("info")?.GetString("title") ?? "API";
            string? serverUrl = null;
            if (root.GetArray("servers") is JsonArray servers && servers.Items.Count > 0 && servers.Items[0] is JsonObject server)
            {
                serverUrl = server.GetString("url");
            }

            // Every component schema becomes a type, used or not (payload schemas are read by other generators too).
            if (root.GetObject("components")?.GetObject("schemas") is JsonObject schemas)
            {
                foreach (var entry in schemas.Properties)
                {
                    _cancellationToken.ThrowIfCancellationRequested();
                    ResolveRef("#/components/schemas/" + EscapePointer(entry.Key), entry.Value);
                }
            }

            var tree = new PathNode(null, "", "");
            if (root.GetObject("paths") is JsonObject paths)
            {
                foreach (var entry in paths.Properties)
                {
                    _cancellationToken.ThrowIfCancellationRequested();
                    ParsePath(tree, entry.Key, entry.Value, "/paths/" + EscapePointer(entry.Key));
                }
            }

            var builders = new List<RequestBuilderModel>();
            var classNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var rootChildren = BuildBuilders(tree, builders, classNames);
            // Operations on "/" live on the root client itself, as Kiota places them.
            var rootOperations = tree.Operations.Concat(tree.SlashOperations).ToList();
            var rootBuilder = new RequestBuilderModel(
                "",
                "/",
                rootOperations.Count > 0 ? tree.UrlTemplate(rootOperations, true) : "{+baseurl}",
                rootChildren,
                rootOperations.ToEquatableArray());

            var models = _models.Select(m => new ModelClass(m.Name, m.Description, _errorModels.Contains(m.Name), ErrorSafe(m).ToEquatableArray())).ToList();
            return new SpecModel(
                _filePath,
                title,
                serverUrl,
                models.ToEquatableArray(),
                _enums.ToEquatableArray(),
                builders.ToEquatableArray(),
                rootBuilder,
                _diagnostics.ToEquatableArray());
        }

        /// <summary>Error models derive from ApiException: properties named like Exception members get the suffix "Escaped", as Kiota does.</summary>
        private List<PropertyModel> ErrorSafe(ModelBuilder model)
        {
            if (!_errorModels.Contains(model.Name))
            {
                return model.Properties;
            }

            var taken = new HashSet<string>(model.Properties.Select(p => p.CsName), StringComparer.Ordinal);
            return model.Properties
                .Select(p => ExceptionMembers.Contains(p.CsName) ? p with { CsName = Naming.Unique(p.CsName + "Escaped", taken) } : p)
                .ToList();
        }

        private SpecModel Empty() => new SpecModel(
            _filePath,
            "API",
            null,
            EquatableArray<ModelClass>.Empty,
            EquatableArray<EnumModel>.Empty,
            EquatableArray<RequestBuilderModel>.Empty,
            new RequestBuilderModel("", "/", "{+baseurl}", EquatableArray<NavigationModel>.Empty, EquatableArray<OperationModel>.Empty),
            _diagnostics.ToEquatableArray());

        private void Report(string id, string pointer, JsonNode node, string message) =>
            _diagnostics.Add(new DiagnosticInfo(id, _filePath, "#" + pointer, message, node.Line, node.Column));

        private static string EscapePointer(string segment) => segment.Replace("~", "~0").Replace("/", "~1");

        private static string UnescapePointer(string segment) => segment.Replace("~1", "/").Replace("~0", "~");

        // ---------------------------------------------------------------- schemas

        private TypeRef ResolveRef(string reference, JsonNode origin)
        {
            if (_refCache.TryGetValue(reference, out var cached))
            {
                return cached;
            }

            if (!reference.StartsWith("#/", StringComparison.Ordinal))
            {
                Report(DiagnosticIds.UnresolvedReference, "", origin, "only references inside the document are supported: '" + reference + "'");
                return TypeRef.Untyped;
            }

            var target = Navigate(reference);
            if (target == null)
            {
                Report(DiagnosticIds.UnresolvedReference, "", origin, "the reference '" + reference + "' points at nothing");
                return TypeRef.Untyped;
            }

            var pointer = reference.Substring(1);
            var segments = reference.Substring(2).Split('/');
            var lastName = UnescapePointer(segments[segments.Length - 1]);
            var isComponent = segments.Length == 3 && segments[0] == "components" && segments[1] == "schemas";

            if (!_refsInProgress.Add(reference))
            {
                // A reference cycle through non-object schemas (objects register themselves before their properties).
                Report(DiagnosticIds.Unsupported, pointer, target, "the reference '" + reference + "' is part of a cycle that does not pass through an object schema");
                return TypeRef.Untyped;
            }

            try
            {
                var result = ResolveSchema(target, pointer, Naming.Pascal(lastName, "N"), isComponent, reference);
                _refCache[reference] = result;
                return result;
            }
            finally
            {
                _refsInProgress.Remove(reference);
            }
        }

        private JsonNode? Navigate(string reference)
        {
            JsonNode? current = _root;
            foreach (var raw in reference.Substring(2).Split('/'))
            {
                var segment = UnescapePointer(raw);
                if (current is JsonObject obj)
                {
                    current = obj.Get(segment);
                }
                else if (current is JsonArray array && int.TryParse(segment, out var index) && index >= 0 && index < array.Items.Count)
                {
                    current = array.Items[index];
                }
                else
                {
                    return null;
                }

                if (current == null)
                {
                    return null;
                }
            }

            return current;
        }

        /// <summary>Resolves a schema into a type; object schemas become models named after <paramref name="nameHint"/>.</summary>
        private TypeRef ResolveSchema(JsonNode node, string pointer, string nameHint, bool isComponent = false, string? reference = null)
        {
            if (node is JsonBool b)
            {
                return b.Value ? TypeRef.Untyped : Unsupported(pointer, node, "the schema 'false' accepts nothing");
            }

            if (!(node is JsonObject schema))
            {
                return Unsupported(pointer, node, "a schema must be a JSON object");
            }

            if (schema.GetString("$ref") is string refText)
            {
                return ResolveRef(refText, schema);
            }

            if (schema.GetArray("allOf") is JsonArray allOf)
            {
                if (allOf.Items.Count == 1 && !schema.Properties.Any(p => p.Key == "properties"))
                {
                    return ResolveSchema(allOf.Items[0], pointer + "/allOf/0", nameHint);
                }

                return BuildModel(schema, pointer, nameHint, isComponent, reference);
            }

            foreach (var composed in new[] { "oneOf", "anyOf" })
            {
                if (schema.GetArray(composed) is JsonArray choices)
                {
                    var nonNull = choices.Items.Where(c => !IsNullSchema(c)).ToList();
                    if (nonNull.Count == 1)
                    {
                        return ResolveSchema(nonNull[0], pointer + "/" + composed + "/" + choices.Items.IndexOf(nonNull[0]), nameHint, isComponent, reference);
                    }

                    // Alternatives of different shapes stay untyped JSON: nothing is lost, the caller inspects the node.
                    return TypeRef.Untyped;
                }
            }

            var type = ReadType(schema, pointer);
            if (schema.GetArray("enum") is JsonArray enumValues && (type == null || type == "string"))
            {
                return BuildEnum(schema, enumValues, pointer, nameHint);
            }

            switch (type)
            {
                case "string":
                    switch (schema.GetString("format"))
                    {
                        case "date-time": return new TypeRef(TypeKind.DateTime);
                        case "byte": return new TypeRef(TypeKind.Bytes);
                        case "binary": return TypeRef.Stream;
                        default: return TypeRef.String;
                    }

                case "integer":
                    return schema.GetString("format") == "int32" ? new TypeRef(TypeKind.Int32) : new TypeRef(TypeKind.Int64);
                case "number":
                    return new TypeRef(TypeKind.Double);
                case "boolean":
                    return new TypeRef(TypeKind.Boolean);
                case "array":
                    var items = schema.Get("items");
                    var element = items == null ? TypeRef.Untyped : ResolveSchema(items, pointer + "/items", nameHint + "Item");
                    if (element.Kind == TypeKind.Stream)
                    {
                        return Unsupported(pointer, schema, "an array of binary values cannot be represented");
                    }

                    return new TypeRef(TypeKind.Array, null, element);
                case "untyped":
                    return TypeRef.Untyped;
                case "object":
                case null:
                    var hasProperties = schema.GetObject("properties") != null;
                    var additional = schema.Get("additionalProperties");
                    if (!hasProperties && additional is JsonObject additionalSchema && additionalSchema.Properties.Count > 0)
                    {
                        var value = ResolveSchema(additionalSchema, pointer + "/additionalProperties", nameHint + "Value");
                        if (value.Kind == TypeKind.Stream)
                        {
                            return Unsupported(pointer, schema, "a map of binary values cannot be represented");
                        }

                        return new TypeRef(TypeKind.Map, null, value);
                    }

                    if (hasProperties || (isComponent && type == "object"))
                    {
                        return BuildModel(schema, pointer, nameHint, isComponent, reference);
                    }

                    // {} (any JSON) or a free-form object: kept as an untyped JSON node.
                    return TypeRef.Untyped;
                default:
                    return Unsupported(pointer, schema, "the schema type '" + type + "' is not supported");
            }
        }

        private static bool IsNullSchema(JsonNode node) =>
            node is JsonObject o && o.GetString("type") == "null" && o.Properties.Count == 1;

        /// <summary>Reads "type", which OpenAPI 3.1 allows as a list (["string", "null"]).</summary>
        private string? ReadType(JsonObject schema, string pointer)
        {
            var typeNode = schema.Get("type");
            if (typeNode == null)
            {
                return null;
            }

            if (typeNode is JsonString s)
            {
                return s.Value;
            }

            if (typeNode is JsonArray list)
            {
                var types = list.Items.OfType<JsonString>().Select(x => x.Value).Where(x => x != "null").Distinct().ToList();
                if (types.Count == 1)
                {
                    return types[0];
                }

                return "untyped";
            }

            Report(DiagnosticIds.Unsupported, pointer + "/type", typeNode, "'type' must be a string or a list of strings");
            return "untyped";
        }

        private TypeRef Unsupported(string pointer, JsonNode node, string message)
        {
            Report(DiagnosticIds.Unsupported, pointer, node, message);
            return TypeRef.Untyped;
        }

        private TypeRef BuildEnum(JsonObject schema, JsonArray values, string pointer, string nameHint)
        {
            var name = Naming.Unique(nameHint, _typeNames);
            var members = new List<EnumMemberModel>();
            var taken = new HashSet<string>(StringComparer.Ordinal);
            foreach (var value in values.Items)
            {
                if (value is JsonNull)
                {
                    continue;
                }

                if (!(value is JsonString s))
                {
                    Report(DiagnosticIds.Unsupported, pointer + "/enum", value, "enum values must be strings");
                    continue;
                }

                if (members.Any(m => m.WireName == s.Value))
                {
                    continue;
                }

                members.Add(new EnumMemberModel(s.Value, Naming.Unique(Naming.Pascal(s.Value, "N"), taken)));
            }

            if (members.Count == 0)
            {
                _typeNames.Remove(name);
                return TypeRef.String;
            }

            _enums.Add(new EnumModel(name, Description(schema), members.ToEquatableArray()));
            return new TypeRef(TypeKind.Enum, name);
        }

        private TypeRef BuildModel(JsonObject schema, string pointer, string nameHint, bool isComponent, string? reference)
        {
            var name = Naming.Unique(nameHint, _typeNames);
            var model = new ModelBuilder(name, Description(schema));
            _models.Add(model);
            _modelsByName[name] = model;
            var self = new TypeRef(TypeKind.Model, name);
            if (reference != null)
            {
                // Register before the properties so that recursive schemas resolve to this model.
                _refCache[reference] = self;
            }

            var taken = new HashSet<string>(ModelReservedMembers, StringComparer.Ordinal) { name };
            AddProperties(model, schema, pointer, taken);
            if (schema.GetArray("allOf") is JsonArray allOf)
            {
                for (var i = 0; i < allOf.Items.Count; i++)
                {
                    var part = allOf.Items[i];
                    var partPointer = pointer + "/allOf/" + i;
                    if (part is JsonObject partObject && partObject.GetString("$ref") is string partRef)
                    {
                        var target = Navigate(partRef) as JsonObject;
                        if (target == null)
                        {
                            Report(DiagnosticIds.UnresolvedReference, partPointer, part, "the reference '" + partRef + "' points at nothing");
                            continue;
                        }

                        AddProperties(model, target, partRef.Substring(1), taken);
                    }
                    else if (part is JsonObject inline)
                    {
                        AddProperties(model, inline, partPointer, taken);
                    }
                }
            }

            return self;
        }

        private void AddProperties(ModelBuilder model, JsonObject schema, string pointer, HashSet<string> taken)
        {
            if (!(schema.GetObject("properties") is JsonObject properties))
            {
                return;
            }

            foreach (var entry in properties.Properties)
            {
                if (model.Properties.Any(p => p.JsonName == entry.Key))
                {
                    continue;
                }

                var propertyPointer = pointer + "/properties/" + EscapePointer(entry.Key);
                var type = ResolveSchema(entry.Value, propertyPointer, model.Name + Naming.Pascal(entry.Key, "N"));
                if (type.Kind == TypeKind.Stream)
                {
                    type = Unsupported(propertyPointer, entry.Value, "a binary property inside a JSON object cannot be represented; use format 'byte' (base64)");
                }

                var csName = Naming.Unique(Naming.Pascal(entry.Key, "N"), taken);
                var propertySchema = entry.Value as JsonObject;
                model.Properties.Add(new PropertyModel(
                    entry.Key,
                    csName,
                    type,
                    propertySchema == null ? null : Description(propertySchema),
                    propertySchema != null && propertySchema.GetBool("deprecated")));
            }
        }

        private static string? Description(JsonObject schema) => schema.GetString("description") ?? schema.GetString("title");

        // ---------------------------------------------------------------- paths

        private void ParsePath(PathNode tree, string path, JsonNode pathValue, string pointer)
        {
            if (!(pathValue is JsonObject pathItem))
            {
                Report(DiagnosticIds.Unsupported, pointer, pathValue, "a path item must be a JSON object");
                return;
            }

            if (!path.StartsWith("/", StringComparison.Ordinal))
            {
                Report(DiagnosticIds.Unsupported, pointer, pathItem, "the path '" + path + "' must start with '/'");
                return;
            }

            var node = tree;
            var trailingSlash = path.Length > 1 && path.EndsWith("/", StringComparison.Ordinal);
            var trimmed = path.Trim('/');
            if (trimmed.Length > 0)
            {
                foreach (var segment in trimmed.Split('/'))
                {
                    if (segment.Length == 0)
                    {
                        Report(DiagnosticIds.Unsupported, pointer, pathItem, "the path '" + path + "' has an empty segment");
                        return;
                    }

                    node = node.Child(segment);
                }
            }

            var pathParameters = pathItem.GetArray("parameters");
            foreach (var method in Methods)
            {
                if (!(pathItem.GetObject(method) is JsonObject operation))
                {
                    continue;
                }

                var op = ParseOperation(path, method, operation, pathParameters, pointer + "/" + method, node);
                if (op != null)
                {
                    (trailingSlash ? node.SlashOperations : node.Operations).Add(op);
                }
            }
        }

        private OperationModel? ParseOperation(string path, string method, JsonObject operation, JsonArray? pathParameters, string pointer, PathNode node)
        {
            var operationId = operation.GetString("operationId");
            if (string.IsNullOrEmpty(operationId))
            {
                Report(DiagnosticIds.Unsupported, pointer, operation, "the operation has no operationId");
                return null;
            }

            // Parameters: path-level ones, overridden by operation-level ones with the same name and location.
            var parameters = new List<KeyValuePair<JsonObject, string>>();
            void Collect(JsonArray? list, string listPointer)
            {
                if (list == null)
                {
                    return;
                }

                for (var i = 0; i < list.Items.Count; i++)
                {
                    var item = list.Items[i];
                    var itemPointer = listPointer + "/" + i;
                    if (item is JsonObject refObject && refObject.GetString("$ref") is string parameterRef)
                    {
                        item = Navigate(parameterRef) ?? item;
                        itemPointer = parameterRef.Substring(1);
                    }

                    if (!(item is JsonObject parameter) || parameter.GetString("name") == null || parameter.GetString("in") == null)
                    {
                        Report(DiagnosticIds.Unsupported, itemPointer, item, "a parameter needs 'name' and 'in'");
                        continue;
                    }

                    parameters.RemoveAll(p => p.Key.GetString("name") == parameter.GetString("name") && p.Key.GetString("in") == parameter.GetString("in"));
                    parameters.Add(new KeyValuePair<JsonObject, string>(parameter, itemPointer));
                }
            }

            Collect(pathParameters, pointer.Substring(0, pointer.LastIndexOf('/')) + "/parameters");
            Collect(operation.GetArray("parameters"), pointer + "/parameters");

            var queryParameters = new List<QueryParameterModel>();
            var takenQuery = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entry in parameters)
            {
                var parameter = entry.Key;
                var name = parameter.GetString("name")!;
                var location = parameter.GetString("in");
                if (location == "path")
                {
                    if (parameter.GetBool("x-mlflow-allow-slashes"))
                    {
                        node.SlashParameters.Add(name);
                    }

                    continue;
                }

                if (location != "query")
                {
                    // Header and cookie parameters are set through the request configuration's headers, as Kiota does.
                    continue;
                }

                var schemaNode = parameter.Get("schema");
                var type = schemaNode == null ? TypeRef.String : ResolveSchema(schemaNode, entry.Value + "/schema", Naming.Pascal(operationId!, "N") + Naming.Pascal(name, "N"));
                var scalar = type.Kind == TypeKind.Array ? type.Element! : type;
                if (scalar.Kind == TypeKind.Model || scalar.Kind == TypeKind.Map || scalar.Kind == TypeKind.Untyped || scalar.Kind == TypeKind.Array ||
                    scalar.Kind == TypeKind.Stream || scalar.Kind == TypeKind.Bytes)
                {
                    Report(DiagnosticIds.Unsupported, entry.Value + "/schema", schemaNode ?? parameter, "the query parameter '" + name + "' must be a primitive, an enum or an array of them");
                    continue;
                }

                queryParameters.Add(new QueryParameterModel(
                    name,
                    Naming.TemplateVariable(name),
                    Naming.Unique(Naming.Pascal(name, "N"), takenQuery),
                    type,
                    parameter.GetString("description"),
                    parameter.GetBool("required")));
            }

            foreach (var segment in path.Split('/'))
            {
                foreach (var pathParameter in PathNode.ParametersOf(segment))
                {
                    if (!parameters.Any(p => p.Key.GetString("in") == "path" && p.Key.GetString("name") == pathParameter))
                    {
                        Report(DiagnosticIds.Unsupported, pointer, operation, "the path parameter '" + pathParameter + "' is not declared");
                    }
                }
            }

            // Request body.
            var bodyKind = BodyKind.None;
            TypeRef? bodyType = null;
            string? bodyContentType = null;
            var bodyRequired = false;
            if (operation.Get("requestBody") is JsonNode bodyNode)
            {
                var bodyPointer = pointer + "/requestBody";
                if (bodyNode is JsonObject bodyRef && bodyRef.GetString("$ref") is string requestBodyRef)
                {
                    bodyPointer = requestBodyRef.Substring(1);
                    bodyNode = Navigate(requestBodyRef) ?? bodyNode;
                }

                if (bodyNode is JsonObject body && body.GetObject("content") is JsonObject content && content.Properties.Count > 0)
                {
                    bodyRequired = body.GetBool("required");
                    var chosen = PickContent(content);
                    bodyContentType = chosen.Key;
                    var mediaPointer = bodyPointer + "/content/" + EscapePointer(chosen.Key);
                    if (IsJson(chosen.Key))
                    {
                        var schemaNode = (chosen.Value as JsonObject)?.Get("schema");
                        var type = schemaNode == null ? TypeRef.Untyped : ResolveSchema(schemaNode, mediaPointer + "/schema", Naming.Pascal(operationId!, "N") + "RequestBody");
                        if (type.Kind == TypeKind.Model || type.Kind == TypeKind.Untyped)
                        {
                            bodyKind = BodyKind.Json;
                            bodyType = type;
                        }
                        else if (type.Kind == TypeKind.Array && type.Element!.Kind == TypeKind.Model)
                        {
                            bodyKind = BodyKind.JsonCollection;
                            bodyType = type;
                        }
                        else
                        {
                            // Maps, arrays of primitives and bare primitives travel as an untyped JSON node.
                            bodyKind = BodyKind.Json;
                            bodyType = TypeRef.Untyped;
                        }
                    }
                    else
                    {
                        bodyKind = BodyKind.Binary;
                        bodyType = TypeRef.Stream;
                    }
                }
                else
                {
                    Report(DiagnosticIds.Unsupported, bodyPointer, bodyNode, "a request body needs a non-empty 'content'");
                }
            }

            // Responses.
            var responseKind = ResponseKind.None;
            TypeRef? responseType = null;
            string? accept = null;
            var errors = new List<ErrorMappingModel>();
            if (operation.GetObject("responses") is JsonObject responses)
            {
                var success = responses.Properties.Where(p => p.Key.StartsWith("2", StringComparison.Ordinal)).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
                if (success.Count > 0)
                {
                    var chosenResponse = success.FirstOrDefault(p => ResolveResponse(p.Value)?.GetObject("content") is JsonObject c && c.Properties.Count > 0);
                    if (chosenResponse.Value != null)
                    {
                        var response = ResolveResponse(chosenResponse.Value)!;
                        var content = response.GetObject("content")!;
                        var chosen = PickContent(content);
                        accept = chosen.Key;
                        var mediaPointer = pointer + "/responses/" + EscapePointer(chosenResponse.Key) + "/content/" + EscapePointer(chosen.Key);
                        var schemaNode = (chosen.Value as JsonObject)?.Get("schema");
                        if (IsJson(chosen.Key))
                        {
                            var type = schemaNode == null ? TypeRef.Untyped : ResolveSchema(schemaNode, mediaPointer + "/schema", Naming.Pascal(operationId!, "N") + "Response");
                            switch (type.Kind)
                            {
                                case TypeKind.Model:
                                case TypeKind.Untyped:
                                    responseKind = ResponseKind.Json;
                                    responseType = type;
                                    break;
                                case TypeKind.Array when type.Element!.Kind == TypeKind.Model:
                                    responseKind = ResponseKind.JsonCollection;
                                    responseType = type;
                                    break;
                                case TypeKind.String:
                                case TypeKind.Int32:
                                case TypeKind.Int64:
                                case TypeKind.Double:
                                case TypeKind.Boolean:
                                    responseKind = ResponseKind.JsonPrimitive;
                                    responseType = type;
                                    break;
                                default:
                                    responseKind = ResponseKind.Json;
                                    responseType = TypeRef.Untyped;
                                    break;
                            }
                        }
                        else if (chosen.Key.StartsWith("text/plain", StringComparison.Ordinal))
                        {
                            responseKind = ResponseKind.Text;
                            responseType = TypeRef.String;
                        }
                        else
                        {
                            responseKind = ResponseKind.Stream;
                            responseType = TypeRef.Stream;
                        }
                    }
                }

                foreach (var entry in responses.Properties)
                {
                    if (entry.Key.StartsWith("2", StringComparison.Ordinal) || entry.Key.StartsWith("1", StringComparison.Ordinal) || entry.Key.StartsWith("3", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    var response = ResolveResponse(entry.Value);
                    if (response?.GetObject("content") is JsonObject errorContent)
                    {
                        var json = errorContent.Properties.FirstOrDefault(p => IsJson(p.Key));
                        if (json.Value is JsonObject media && media.Get("schema") is JsonNode errorSchema)
                        {
                            var type = ResolveSchema(errorSchema, pointer + "/responses/" + EscapePointer(entry.Key) + "/content/" + EscapePointer(json.Key) + "/schema", Naming.Pascal(operationId!, "N") + "Error");
                            if (type.Kind == TypeKind.Model)
                            {
                                _errorModels.Add(type.Name!);
                                var key = entry.Key == "default" ? "XXX" : entry.Key.ToUpperInvariant();
                                errors.Add(new ErrorMappingModel(key, type.Name!));
                            }
                        }
                    }
                }
            }

            var since = operation.GetString("x-mlflow-since");
            return new OperationModel(
                method.ToUpperInvariant(),
                operationId!,
                path,
                operation.GetString("summary"),
                operation.GetString("description"),
                operation.GetBool("deprecated"),
                since,
                queryParameters.ToEquatableArray(),
                bodyKind,
                bodyType,
                bodyContentType,
                bodyRequired,
                responseKind,
                responseType,
                accept,
                errors.ToEquatableArray());
        }

        private JsonObject? ResolveResponse(JsonNode node)
        {
            if (node is JsonObject obj && obj.GetString("$ref") is string reference)
            {
                return Navigate(reference) as JsonObject;
            }

            return node as JsonObject;
        }

        private static bool IsJson(string contentType)
        {
            var media = contentType.Split(';')[0].Trim();
            return media == "application/json" || media.EndsWith("+json", StringComparison.Ordinal);
        }

        /// <summary>JSON first (as Kiota does), then the first listed media type.</summary>
        private static KeyValuePair<string, JsonNode> PickContent(JsonObject content)
        {
            foreach (var entry in content.Properties)
            {
                if (IsJson(entry.Key))
                {
                    return entry;
                }
            }

            return content.Properties[0];
        }

        // ---------------------------------------------------------------- request builders

        private EquatableArray<NavigationModel> BuildBuilders(PathNode node, List<RequestBuilderModel> builders, HashSet<string> classNames)
        {
            var navigations = new List<NavigationModel>();
            var taken = new HashSet<string>(BuilderReservedMembers, StringComparer.Ordinal);
            foreach (var child in node.Children.Values)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                var className = Naming.Unique(child.ClassBaseName() + "RequestBuilder", classNames);
                var grandChildren = BuildBuilders(child, builders, classNames);
                var operations = child.Operations;
                var slashOperations = child.SlashOperations;
                var children = grandChildren.ToList();
                if (operations.Count > 0 && slashOperations.Count > 0)
                {
                    // Both "/x" and "/x/" exist: the trailing-slash twin is its own builder.
                    var twinClass = Naming.Unique(child.ClassBaseName() + "WithTrailingSlashRequestBuilder", classNames);
                    builders.Add(new RequestBuilderModel(
                        twinClass,
                        child.PathTemplate() + "/",
                        child.UrlTemplate(slashOperations, true),
                        EquatableArray<NavigationModel>.Empty,
                        slashOperations.ToEquatableArray()));
                    children.Add(new NavigationModel(NavigationKind.Property, "WithTrailingSlash", twinClass, EquatableArray<string>.Empty, EquatableArray<string>.Empty, "The same path with a trailing slash: " + child.PathTemplate() + "/"));
                }
                else if (slashOperations.Count > 0)
                {
                    operations = slashOperations;
                }

                var trailing = operations.Count > 0 && ReferenceEquals(operations, slashOperations);
                builders.Add(new RequestBuilderModel(
                    className,
                    child.PathTemplate() + (trailing ? "/" : ""),
                    child.UrlTemplate(operations, trailing),
                    children.ToEquatableArray(),
                    operations.ToEquatableArray()));

                if (child.IsParameter)
                {
                    var names = child.ParameterNames.ToList();
                    navigations.Add(new NavigationModel(
                        NavigationKind.Indexer,
                        "Item",
                        className,
                        names.ToEquatableArray(),
                        new[] { Naming.Camel(names[0]) }.ToEquatableArray(),
                        "Gets an item from the " + child.PathTemplate() + " collection (path parameter " + string.Join(", ", names) + ")."));
                }
                else if (child.ParameterNames.Count > 0)
                {
                    var names = child.ParameterNames.ToList();
                    var member = Naming.Unique("With" + Naming.Pascal(child.Segment, "N"), taken);
                    navigations.Add(new NavigationModel(
                        NavigationKind.Method,
                        member,
                        className,
                        names.ToEquatableArray(),
                        names.Select(Naming.Camel).ToEquatableArray(),
                        "Builds " + child.PathTemplate() + "."));
                }
                else
                {
                    var member = Naming.Unique(Naming.Pascal(child.Segment), taken);
                    navigations.Add(new NavigationModel(NavigationKind.Property, member, className, EquatableArray<string>.Empty, EquatableArray<string>.Empty, "The " + child.PathTemplate() + " path."));
                }
            }

            return navigations.ToEquatableArray();
        }

        private sealed class ModelBuilder
        {
            public ModelBuilder(string name, string? description)
            {
                Name = name;
                Description = description;
            }

            public string Name { get; }

            public string? Description { get; }

            public List<PropertyModel> Properties { get; } = new List<PropertyModel>();
        }

        /// <summary>One node of the URL tree while the paths are read.</summary>
        private sealed class PathNode
        {
            private readonly PathNode? _parent;

            public PathNode(PathNode? parent, string key, string segment)
            {
                _parent = parent;
                Key = key;
                Segment = segment;
            }

            public string Key { get; }

            /// <summary>The segment as first seen (for a merged parameter segment: its first spelling).</summary>
            public string Segment { get; }

            public bool IsParameter => Key == "{}";

            public SortedDictionary<string, PathNode> Children { get; } = new SortedDictionary<string, PathNode>(StringComparer.Ordinal);

            public List<OperationModel> Operations { get; } = new List<OperationModel>();

            public List<OperationModel> SlashOperations { get; } = new List<OperationModel>();

            public SortedSet<string> ParameterNames { get; } = new SortedSet<string>(StringComparer.Ordinal);

            public HashSet<string> SlashParameters { get; } = new HashSet<string>(StringComparer.Ordinal);

            public static IEnumerable<string> ParametersOf(string segment)
            {
                var start = segment.IndexOf('{');
                while (start >= 0)
                {
                    var end = segment.IndexOf('}', start);
                    if (end < 0)
                    {
                        yield break;
                    }

                    yield return segment.Substring(start + 1, end - start - 1);
                    start = segment.IndexOf('{', end);
                }
            }

            public PathNode Child(string segment)
            {
                var parameters = ParametersOf(segment).ToList();
                var isWholeParameter = parameters.Count == 1 && segment == "{" + parameters[0] + "}";
                var key = isWholeParameter ? "{}" : segment;
                if (!Children.TryGetValue(key, out var child))
                {
                    child = new PathNode(this, key, segment);
                    Children.Add(key, child);
                }

                foreach (var parameter in parameters)
                {
                    child.ParameterNames.Add(parameter);
                }

                return child;
            }

            public string ClassBaseName()
            {
                var own = IsParameter ? Naming.Pascal(Segment.Trim('{', '}'), "N") + "Item" : Naming.Pascal(Segment);
                return _parent == null || _parent._parent == null ? own : _parent.ClassBaseName() + own;
            }

            /// <summary>The path with the parameter spelling of the first path seen.</summary>
            public string PathTemplate() => _parent == null ? "" : _parent.PathTemplate() + "/" + Segment;

            private string TemplatePath()
            {
                if (_parent == null)
                {
                    return "";
                }

                string own;
                if (IsParameter)
                {
                    var name = ParameterNames.First();
                    var slashes = ParameterNames.Any(n => AllowsSlashes(n));
                    own = "{" + (slashes ? "+" : "") + Naming.TemplateVariable(name) + "}";
                }
                else
                {
                    own = Segment;
                    foreach (var name in ParameterNames)
                    {
                        own = own.Replace("{" + name + "}", "{" + (AllowsSlashes(name) ? "+" : "") + Naming.TemplateVariable(name) + "}");
                    }
                }

                return _parent.TemplatePath() + "/" + own;
            }

            private bool AllowsSlashes(string name)
            {
                // The flag sits on the operations, which hang on the node where the path ends: look below.
                if (SlashParameters.Contains(name))
                {
                    return true;
                }

                foreach (var child in Children.Values)
                {
                    if (child.AllowsSlashes(name))
                    {
                        return true;
                    }
                }

                return false;
            }

            public string UrlTemplate(List<OperationModel> operations, bool trailingSlash)
            {
                var query = new List<string>();
                foreach (var operation in operations)
                {
                    foreach (var parameter in operation.QueryParameters)
                    {
                        var variable = parameter.TemplateName + (parameter.Type.Kind == TypeKind.Array ? "*" : "");
                        if (!query.Contains(variable))
                        {
                            query.Add(variable);
                        }
                    }
                }

                return "{+baseurl}" + TemplatePath() + (trailingSlash ? "/" : "") + (query.Count > 0 ? "{?" + string.Join(",", query) + "}" : "");
            }
        }
    }
}
