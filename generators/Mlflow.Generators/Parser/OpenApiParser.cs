using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Mlflow.Generators.Diagnostics;
using Mlflow.Generators.Helpers;
using Mlflow.Generators.Json;
using Mlflow.Generators.Model;

namespace Mlflow.Generators.Parser
{
    /// <summary>
    /// Reads OpenAPI 3.x JSON text into a <see cref="SpecDocument"/>. Never throws for a bad spec: problems become
    /// <see cref="DiagnosticInfo"/> values carrying the file path and the JSON pointer of the offending node.
    /// </summary>
    internal sealed class OpenApiParser
    {
        private static readonly string[] Methods = { "get", "put", "post", "delete", "patch", "head", "options", "trace" };

        // The x-mlflow-* extensions the parser reads, per kind of node (spec/README.md describes each). Any other
        // x-mlflow-* name is reported (MLFG101) and ignored, so that a spec from a newer SpecGen says what it adds.
        private static readonly string[] DocumentExtensions = { "x-mlflow-wire" };
        private static readonly string[] OperationExtensions =
        {
            "x-mlflow-since", "x-mlflow-unreleased", "x-mlflow-api", "x-mlflow-server", "x-mlflow-source", "x-mlflow-rpc",
            "x-mlflow-visibility", "x-mlflow-copy-of", "x-mlflow-ajax-mirror", "x-mlflow-bare-nonfinite-numbers",
            "x-mlflow-pagination", "x-mlflow-entity", "x-mlflow-action",
        };
        private static readonly string[] ParameterExtensions = { "x-mlflow-allow-slashes", "x-mlflow-body-field" };
        private static readonly string[] SchemaExtensions = { "x-mlflow-proto", "x-mlflow-always-written" };
        private static readonly string[] PropertyExtensions = { "x-mlflow-oneof", "x-mlflow-wkt" };
        private static readonly string[] SchemaAndPropertyExtensions = SchemaExtensions.Concat(PropertyExtensions).ToArray();

        private readonly string _filePath;
        private readonly CancellationToken _cancellationToken;
        private readonly List<DiagnosticInfo> _diagnostics = new List<DiagnosticInfo>();
        private readonly List<SchemaSpec> _schemas = new List<SchemaSpec>();
        private readonly HashSet<string> _schemaNames = new HashSet<string>(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _hoisted = new Dictionary<string, string>(StringComparer.Ordinal);
        private JsonObject? _components;

        private OpenApiParser(string filePath, CancellationToken cancellationToken)
        {
            _filePath = filePath;
            _cancellationToken = cancellationToken;
        }

        /// <summary>Parses the text of an OpenAPI description.</summary>
        public static SpecDocument Parse(string filePath, string text, CancellationToken cancellationToken = default)
        {
            var parser = new OpenApiParser(filePath, cancellationToken);
            try
            {
                return parser.ParseDocument(text);
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception ex)
            {
                // A bug in the parser must surface as a diagnostic, not as a generator crash.
                parser._diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.InternalErrorId, DiagnosticLevel.Error, filePath, "", ex.GetType().Name + ": " + ex.Message, 1, 1));
                return parser.Result("", "");
            }
        }

        private SpecDocument Result(string title, string version, List<OperationSpec>? operations = null, List<WebhookSpec>? webhooks = null, string? serverUrl = null, EquatableArray<WireNote> wireNotes = default) =>
            new SpecDocument(
                _filePath,
                title,
                version,
                serverUrl,
                (operations ?? new List<OperationSpec>()).ToEquatableArray(),
                _schemas.ToEquatableArray(),
                (webhooks ?? new List<WebhookSpec>()).ToEquatableArray(),
                _diagnostics.ToEquatableArray(),
                wireNotes);

        private SpecDocument ParseDocument(string text)
        {
            JsonNode root;
            try
            {
                root = JsonReader.Parse(text);
            }
            catch (JsonReadException ex)
            {
                _diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.InvalidJsonId, DiagnosticLevel.Error, _filePath, "", ex.Message + " at line " + ex.Line + ", column " + ex.Column, ex.Line, ex.Column));
                return Result("", "");
            }

            if (!(root is JsonObject doc))
            {
                Error(DiagnosticDescriptors.UnsupportedId, root, "", "the document is not a JSON object");
                return Result("", "");
            }

            var openapi = doc.GetString("openapi");
            if (openapi == null || !openapi.StartsWith("3.", StringComparison.Ordinal))
            {
                Error(DiagnosticDescriptors.UnsupportedId, doc.Get("openapi") ?? doc, "/openapi", "only OpenAPI 3.x documents are supported (found '" + (openapi ?? "nothing") + "')");
                return Result("", "");
            }

            var info = doc.GetObject("info");
            var title = info?.GetString("title") ?? "";
            var version = info?.GetString("version") ?? "";
            _components = doc.GetObject("components");

            // Component schemas first, in document order, so that hoisted inline schemas come after them.
            var schemas = _components?.GetObject("schemas");
            if (schemas != null)
            {
                foreach (var p in schemas.Properties)
                {
                    _schemaNames.Add(p.Key);
                }

                foreach (var p in schemas.Properties)
                {
                    _cancellationToken.ThrowIfCancellationRequested();
                    var pointer = "/components/schemas/" + Pointer.Escape(p.Key);
                    if (p.Value is JsonObject schemaNode)
                    {
                        _schemas.Add(ParseComponentSchema(p.Key, schemaNode, pointer, synthesized: false));
                    }
                    else
                    {
                        Error(DiagnosticDescriptors.UnsupportedId, p.Value, pointer, "a schema must be a JSON object");
                    }
                }
            }

            var operations = new List<OperationSpec>();
            var paths = doc.GetObject("paths");
            if (paths != null)
            {
                foreach (var p in paths.Properties)
                {
                    _cancellationToken.ThrowIfCancellationRequested();
                    var pathPointer = "/paths/" + Pointer.Escape(p.Key);
                    if (!(p.Value is JsonObject pathItem))
                    {
                        Error(DiagnosticDescriptors.UnsupportedId, p.Value, pathPointer, "a path item must be a JSON object");
                        continue;
                    }

                    if (!p.Key.StartsWith("/", StringComparison.Ordinal))
                    {
                        Error(DiagnosticDescriptors.UnsupportedId, p.Value, pathPointer, "a path must start with '/'");
                        continue;
                    }

                    ParsePathItem(p.Key, pathItem, pathPointer, operations, webhookKey: null, webhooks: null);
                }
            }

            var seen = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var op in operations)
            {
                if (seen.TryGetValue(op.OperationId, out var first))
                {
                    // At the second operation (the parser keeps positions, not nodes, once an operation is read).
                    _diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.DuplicateOperationIdId, DiagnosticLevel.Error, _filePath, op.Pointer + "/operationId", "operationId '" + op.OperationId + "' is already used by " + first, op.Position.Line, op.Position.Column));
                }
                else
                {
                    seen[op.OperationId] = op.Pointer;
                }
            }

            var webhooks = new List<WebhookSpec>();
            var hooks = doc.GetObject("webhooks");
            if (hooks != null)
            {
                foreach (var p in hooks.Properties)
                {
                    var pointer = "/webhooks/" + Pointer.Escape(p.Key);
                    if (p.Value is JsonObject item)
                    {
                        ParsePathItem(p.Key, item, pointer, null, p.Key, webhooks);
                    }
                    else
                    {
                        Error(DiagnosticDescriptors.UnsupportedId, p.Value, pointer, "a webhook must be a path item object");
                    }
                }
            }

            string? serverUrl = null;
            if (doc.GetArray("servers") is JsonArray servers && servers.Items.Count > 0 && servers.Items[0] is JsonObject server)
            {
                serverUrl = server.GetString("url");
            }

            return Result(title, version, operations, webhooks, serverUrl, WireNotes(doc));
        }

        private void ParsePathItem(string path, JsonObject pathItem, string pathPointer, List<OperationSpec>? operations, string? webhookKey, List<WebhookSpec>? webhooks)
        {
            var shared = ParseParameters(pathItem.GetArray("parameters"), pathPointer + "/parameters");
            foreach (var method in Methods)
            {
                if (!(pathItem.Get(method) is JsonObject opNode))
                {
                    continue;
                }

                var opPointer = pathPointer + "/" + method;
                var op = ParseOperation(path, method, opNode, opPointer, shared);
                if (op == null)
                {
                    continue;
                }

                if (webhookKey != null)
                {
                    webhooks!.Add(new WebhookSpec(webhookKey, op));
                }
                else
                {
                    operations!.Add(op);
                }
            }
        }

        private OperationSpec? ParseOperation(string path, string method, JsonObject node, string pointer, List<ParameterSpec> shared)
        {
            var operationId = node.GetString("operationId");
            if (string.IsNullOrEmpty(operationId))
            {
                Error(DiagnosticDescriptors.MissingOperationIdId, node, pointer, "operation " + method.ToUpperInvariant() + " " + path + " has no operationId");
                return null;
            }

            var hoistBase = Identifiers.Pascal(operationId!, "Op");
            var own = ParseParameters(node.GetArray("parameters"), pointer + "/parameters");
            var parameters = new List<ParameterSpec>(own);
            foreach (var s in shared)
            {
                if (!own.Any(o => o.Name == s.Name && o.In == s.In))
                {
                    parameters.Add(s);
                }
            }

            RequestBodySpec? body = null;
            if (node.Get("requestBody") is JsonObject bodyNode)
            {
                var bodyPointer = pointer + "/requestBody";
                var resolved = Resolve(bodyNode, ref bodyPointer, "requestBodies");
                if (resolved != null)
                {
                    body = new RequestBodySpec(
                        resolved.GetBool("required"),
                        resolved.GetString("description"),
                        ParseContent(resolved.GetObject("content"), bodyPointer + "/content", hoistBase + "Request"),
                        new SpecPosition(resolved.Line, resolved.Column));
                }
            }

            var responses = new List<ResponseSpec>();
            if (node.GetObject("responses") is JsonObject responsesNode)
            {
                foreach (var r in responsesNode.Properties)
                {
                    var responsePointer = pointer + "/responses/" + Pointer.Escape(r.Key);
                    if (!(r.Value is JsonObject responseNode))
                    {
                        Error(DiagnosticDescriptors.UnsupportedId, r.Value, responsePointer, "a response must be a JSON object");
                        continue;
                    }

                    string? componentName = null;
                    var reference = responseNode.GetString("$ref");
                    if (reference != null)
                    {
                        componentName = reference.Substring(reference.LastIndexOf('/') + 1);
                    }

                    var resolved = Resolve(responseNode, ref responsePointer, "responses");
                    if (resolved == null)
                    {
                        continue;
                    }

                    var suffix = r.Key == "default" ? "Error" : r.Key.StartsWith("2", StringComparison.Ordinal) ? "Response" : "Response" + r.Key;
                    var hoist = componentName != null ? Identifiers.Pascal(componentName, "R") + "Response" : hoistBase + suffix;
                    responses.Add(new ResponseSpec(r.Key, resolved.GetString("description"), componentName, ParseContent(resolved.GetObject("content"), responsePointer + "/content", hoist)));
                }
            }

            var tags = node.GetArray("tags");
            var tag = tags != null && tags.Items.Count > 0 ? (tags.Items[0] as JsonString)?.Value : null;
            return new OperationSpec(
                operationId!,
                method.ToUpperInvariant(),
                path,
                tag,
                node.GetString("summary"),
                node.GetString("description"),
                node.GetBool("deprecated"),
                parameters.ToEquatableArray(),
                body,
                responses.ToEquatableArray(),
                pointer,
                MlflowExtensions(node, pointer),
                new SpecPosition(node.Line, node.Column));
        }

        /// <summary>Reads the <c>x-mlflow-*</c> extensions of an operation into typed values, once.</summary>
        private MlflowOperationExtensions? MlflowExtensions(JsonObject node, string pointer)
        {
            CheckExtensions(node, pointer, OperationExtensions);
            var since = ExtensionString(node, pointer, "x-mlflow-since");
            if (since == "unknown" || since?.Length == 0)
            {
                since = null;
            }

            PaginationSpec? pagination = null;
            if (node.Get("x-mlflow-pagination") is JsonNode paging)
            {
                var o = paging as JsonObject;
                var token = o?.GetString("tokenParameter");
                var next = o?.GetString("nextTokenField");
                var items = o?.GetString("itemsField");
                if (token == null || next == null || items == null)
                {
                    Error(DiagnosticDescriptors.UnsupportedId, paging, pointer + "/x-mlflow-pagination", "x-mlflow-pagination is an object with the strings tokenParameter, nextTokenField and itemsField");
                }
                else
                {
                    pagination = new PaginationSpec(token, next, items, o!.GetString("maxResultsParameter"));
                }
            }

            var typed = new MlflowOperationExtensions(
                since,
                pagination,
                ExtensionString(node, pointer, "x-mlflow-entity"),
                ExtensionString(node, pointer, "x-mlflow-action"),
                ExtensionString(node, pointer, "x-mlflow-unreleased"),
                ExtensionString(node, pointer, "x-mlflow-api"),
                ExtensionStrings(node, pointer, "x-mlflow-server"),
                ExtensionString(node, pointer, "x-mlflow-source"),
                ExtensionString(node, pointer, "x-mlflow-rpc"),
                ExtensionString(node, pointer, "x-mlflow-visibility"),
                ExtensionString(node, pointer, "x-mlflow-copy-of"),
                ExtensionBool(node, pointer, "x-mlflow-ajax-mirror"),
                ExtensionBool(node, pointer, "x-mlflow-bare-nonfinite-numbers"));
            return typed.Equals(MlflowOperationExtensions.None) ? null : typed;
        }

        /// <summary>An extension holding a string or a list of strings.</summary>
        private EquatableArray<string> ExtensionStrings(JsonObject node, string pointer, string name)
        {
            var value = node.Get(name);
            if (value == null)
            {
                return EquatableArray<string>.Empty;
            }

            if (value is JsonString one)
            {
                return new EquatableArray<string>(new[] { one.Value });
            }

            if (value is JsonArray many && many.Items.All(i => i is JsonString))
            {
                return many.Items.Select(i => ((JsonString)i).Value).ToEquatableArray();
            }

            Error(DiagnosticDescriptors.UnsupportedId, value, pointer + "/" + Pointer.Escape(name), name + " is a string or a list of strings");
            return EquatableArray<string>.Empty;
        }

        private string? ExtensionString(JsonObject node, string pointer, string name) =>
            (Extension<JsonString>(node, pointer, name, "a string") as JsonString)?.Value;

        private bool ExtensionBool(JsonObject node, string pointer, string name) =>
            Extension<JsonBool>(node, pointer, name, "true or false") is JsonBool b && b.Value;

        /// <summary>The extension's value when it is a <typeparamref name="T"/>; null when absent, or (with an error) of another kind.</summary>
        private JsonNode? Extension<T>(JsonObject node, string pointer, string name, string expected)
            where T : JsonNode
        {
            var value = node.Get(name);
            if (value == null || value is T)
            {
                return value;
            }

            Error(DiagnosticDescriptors.UnsupportedId, value, pointer + "/" + Pointer.Escape(name), name + " is " + expected);
            return null;
        }

        /// <summary>Reports the <c>x-mlflow-*</c> names of <paramref name="node"/> that the parser does not read there.</summary>
        private void CheckExtensions(JsonObject node, string pointer, string[] known)
        {
            foreach (var p in node.Properties)
            {
                if (p.Key.StartsWith("x-mlflow-", StringComparison.Ordinal) && Array.IndexOf(known, p.Key) < 0)
                {
                    Info(DiagnosticDescriptors.UnknownExtensionId, p.Value, pointer + "/" + Pointer.Escape(p.Key), p.Key + " is not an extension the generator reads here (it reads " + string.Join(", ", known) + "); ignored");
                }
            }
        }

        /// <summary>The document's <c>x-mlflow-wire</c>: an object of notes (strings).</summary>
        private EquatableArray<WireNote> WireNotes(JsonObject doc)
        {
            CheckExtensions(doc, "", DocumentExtensions);
            var node = doc.Get("x-mlflow-wire");
            if (node == null)
            {
                return EquatableArray<WireNote>.Empty;
            }

            var notes = new List<WireNote>();
            if (node is JsonObject o)
            {
                foreach (var p in o.Properties)
                {
                    if (p.Value is JsonString text)
                    {
                        notes.Add(new WireNote(p.Key, text.Value));
                        continue;
                    }

                    Error(DiagnosticDescriptors.UnsupportedId, p.Value, "/x-mlflow-wire/" + Pointer.Escape(p.Key), "an x-mlflow-wire note is a string");
                }
            }
            else
            {
                Error(DiagnosticDescriptors.UnsupportedId, node, "/x-mlflow-wire", "x-mlflow-wire is an object of notes (strings)");
            }

            return notes.ToEquatableArray();
        }

        private EquatableArray<MediaSpec> ParseContent(JsonObject? content, string pointer, string hoistName)
        {
            if (content == null)
            {
                return EquatableArray<MediaSpec>.Empty;
            }

            var list = new List<MediaSpec>();
            foreach (var m in content.Properties)
            {
                var mediaPointer = pointer + "/" + Pointer.Escape(m.Key);
                TypeSpec? type = null;
                if (m.Value is JsonObject media && media.Get("schema") is JsonObject schema)
                {
                    type = ParseType(schema, mediaPointer + "/schema", hoistName);
                }

                list.Add(new MediaSpec(m.Key, type));
            }

            return list.ToEquatableArray();
        }

        private List<ParameterSpec> ParseParameters(JsonArray? array, string pointer)
        {
            var list = new List<ParameterSpec>();
            if (array == null)
            {
                return list;
            }

            for (var i = 0; i < array.Items.Count; i++)
            {
                var itemPointer = pointer + "/" + i;
                if (!(array.Items[i] is JsonObject p))
                {
                    Error(DiagnosticDescriptors.UnsupportedId, array.Items[i], itemPointer, "a parameter must be a JSON object");
                    continue;
                }

                var resolved = Resolve(p, ref itemPointer, "parameters");
                if (resolved == null)
                {
                    continue;
                }

                var name = resolved.GetString("name");
                var location = resolved.GetString("in");
                if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(location))
                {
                    Error(DiagnosticDescriptors.UnsupportedId, resolved, itemPointer, "a parameter needs 'name' and 'in'");
                    continue;
                }

                TypeSpec type;
                if (resolved.Get("schema") is JsonObject schema)
                {
                    type = ParseType(schema, itemPointer + "/schema", null);
                }
                else
                {
                    type = TypeSpec.String;
                }

                var style = resolved.GetString("style");
                var explode = resolved.Get("explode") is JsonBool b ? b.Value : (style == null || style == "form");
                CheckExtensions(resolved, itemPointer, ParameterExtensions);
                var allowSlashes = ExtensionBool(resolved, itemPointer, "x-mlflow-allow-slashes");
                var bodyField = ExtensionString(resolved, itemPointer, "x-mlflow-body-field");
                list.Add(new ParameterSpec(name!, location!, resolved.GetBool("required") || location == "path", type, style, explode, resolved.GetString("description"), resolved.GetBool("deprecated"), itemPointer, allowSlashes, new SpecPosition(resolved.Line, resolved.Column), bodyField));
            }

            return list;
        }

        /// <summary>Follows a local <c>$ref</c> to <c>#/components/{section}/...</c>; null (with a diagnostic) when it cannot.</summary>
        private JsonObject? Resolve(JsonObject node, ref string pointer, string section)
        {
            for (var hops = 0; hops < 16; hops++)
            {
                var reference = node.GetString("$ref");
                if (reference == null)
                {
                    return node;
                }

                var prefix = "#/components/" + section + "/";
                var target = reference.StartsWith(prefix, StringComparison.Ordinal)
                    ? _components?.GetObject(section)?.GetObject(Pointer.Unescape(reference.Substring(prefix.Length)))
                    : null;
                if (target == null)
                {
                    Error(DiagnosticDescriptors.UnresolvedReferenceId, node, pointer + "/$ref", "cannot resolve '" + reference + "' (expected a local reference to #/components/" + section + "/...)");
                    return null;
                }

                pointer = reference.Substring(1);
                node = target;
            }

            Error(DiagnosticDescriptors.UnresolvedReferenceId, node, pointer, "reference chain too long");
            return null;
        }

        private SchemaSpec ParseComponentSchema(string name, JsonObject node, string pointer, bool synthesized)
        {
            var enumValues = EnumValues(node, pointer);
            var description = node.GetString("description") ?? node.GetString("title");
            var example = node.Get("example") is JsonNode ex ? JsonText.Write(ex) : null;
            // A hoisted inline schema is also the property that holds it: it may carry a property's extensions.
            CheckExtensions(node, pointer, synthesized ? SchemaAndPropertyExtensions : SchemaExtensions);
            var proto = ExtensionString(node, pointer, "x-mlflow-proto");
            var deprecated = node.GetBool("deprecated");
            if (enumValues != null)
            {
                return new SchemaSpec(name, pointer, SchemaKind.Enum, description, deprecated, EquatableArray<PropertySpec>.Empty, enumValues.ToEquatableArray(), null, example, synthesized, proto);
            }

            if (IsObjectWithProperties(node, allowEmpty: true))
            {
                return new SchemaSpec(name, pointer, SchemaKind.Object, description, deprecated, ParseProperties(name, node, pointer), EquatableArray<string>.Empty, null, example, synthesized, proto);
            }

            // Arrays, maps, primitives and compositions are aliases of the type they describe.
            var alias = ParseType(node, pointer, name + "Item");
            return new SchemaSpec(name, pointer, SchemaKind.Alias, description, deprecated, EquatableArray<PropertySpec>.Empty, EquatableArray<string>.Empty, alias, example, synthesized, proto);
        }

        private static bool IsObjectWithProperties(JsonObject node, bool allowEmpty)
        {
            if (node.Get("$ref") != null || node.Get("oneOf") != null || node.Get("anyOf") != null || node.Get("allOf") != null)
            {
                return false;
            }

            if (node.GetObject("properties") is JsonObject props)
            {
                return allowEmpty || props.Properties.Count > 0;
            }

            // A component `type: object` without properties and without a map value type is an (empty) message.
            return allowEmpty && TypeNames(node).Contains("object") && !HasMapValues(node);
        }

        private static bool HasMapValues(JsonObject node) =>
            node.Get("additionalProperties") is JsonObject || (node.Get("additionalProperties") is JsonBool b && b.Value);

        private EquatableArray<PropertySpec> ParseProperties(string owner, JsonObject node, string pointer)
        {
            var required = new HashSet<string>(StringComparer.Ordinal);
            if (node.GetArray("required") is JsonArray req)
            {
                foreach (var r in req.Items)
                {
                    if (r is JsonString s)
                    {
                        required.Add(s.Value);
                    }
                }
            }

            var alwaysWritten = new HashSet<string>(StringComparer.Ordinal);
            if (node.GetArray("x-mlflow-always-written") is JsonArray written)
            {
                foreach (var w in written.Items)
                {
                    if (w is JsonString s)
                    {
                        alwaysWritten.Add(s.Value);
                    }
                    else
                    {
                        Error(DiagnosticDescriptors.UnsupportedId, w, pointer + "/x-mlflow-always-written", "x-mlflow-always-written lists field names (strings)");
                    }
                }
            }

            var list = new List<PropertySpec>();
            if (node.GetObject("properties") is JsonObject props)
            {
                foreach (var p in props.Properties)
                {
                    var propPointer = pointer + "/properties/" + Pointer.Escape(p.Key);
                    if (!(p.Value is JsonObject propNode))
                    {
                        if (p.Value is JsonBool)
                        {
                            // `true` is "any value" in JSON Schema 2020-12.
                            list.Add(new PropertySpec(p.Key, TypeSpec.Any, required.Contains(p.Key), null, false, null, propPointer));
                            continue;
                        }

                        Error(DiagnosticDescriptors.UnsupportedId, p.Value, propPointer, "a property schema must be a JSON object");
                        continue;
                    }

                    var type = ParseType(propNode, propPointer, owner + Identifiers.Pascal(p.Key, "P"));
                    CheckExtensions(propNode, propPointer, PropertyExtensions);
                    list.Add(new PropertySpec(
                        p.Key,
                        type,
                        required.Contains(p.Key),
                        propNode.GetString("description") ?? propNode.GetString("title"),
                        propNode.GetBool("deprecated"),
                        propNode.Get("example") is JsonNode ex ? JsonText.Write(ex) : null,
                        propPointer,
                        alwaysWritten.Remove(p.Key),
                        new SpecPosition(propNode.Line, propNode.Column),
                        ExtensionString(propNode, propPointer, "x-mlflow-oneof"),
                        ExtensionString(propNode, propPointer, "x-mlflow-wkt")));
                }
            }

            foreach (var missing in alwaysWritten)
            {
                Error(DiagnosticDescriptors.UnsupportedId, node.Get("x-mlflow-always-written"), pointer + "/x-mlflow-always-written", "x-mlflow-always-written names '" + missing + "', which is not a property of the schema");
            }

            return list.ToEquatableArray();
        }

        /// <summary>The type a schema describes where it is used. Inline objects and enums are hoisted under <paramref name="hoistName"/>.</summary>
        private TypeSpec ParseType(JsonObject node, string pointer, string? hoistName)
        {
            var reference = node.GetString("$ref");
            if (reference != null)
            {
                const string prefix = "#/components/schemas/";
                var name = reference.StartsWith(prefix, StringComparison.Ordinal) ? Pointer.Unescape(reference.Substring(prefix.Length)) : null;
                if (name == null || !_schemaNames.Contains(name))
                {
                    Error(DiagnosticDescriptors.UnresolvedReferenceId, node, pointer + "/$ref", "cannot resolve schema reference '" + reference + "'");
                    return TypeSpec.Any;
                }

                return new TypeSpec(TypeKind.Ref, name);
            }

            foreach (var composition in new[] { "allOf", "oneOf", "anyOf" })
            {
                if (!(node.GetArray(composition) is JsonArray members))
                {
                    continue;
                }

                var candidates = new List<(JsonObject Node, int Index)>();
                var nullable = false;
                for (var i = 0; i < members.Items.Count; i++)
                {
                    if (members.Items[i] is JsonObject m)
                    {
                        if (TypeNames(m).SequenceEqual(new[] { "null" }))
                        {
                            nullable = true;
                        }
                        else
                        {
                            candidates.Add((m, i));
                        }
                    }
                }

                // A number beside the strings "NaN"/"Infinity"/"-Infinity", or an integer beside a numeric string, is
                // one value with two JSON spellings (protobuf's JSON mapping): read it as the number.
                if (composition == "anyOf" && candidates.Count == 2 && IsWireSpellingOf(candidates[0].Node, candidates[1].Node))
                {
                    candidates.RemoveAt(1);
                }

                if (candidates.Count == 1)
                {
                    var t = ParseType(candidates[0].Node, pointer + "/" + composition + "/" + candidates[0].Index, hoistName);
                    return nullable ? t with { Nullable = true } : t;
                }

                if (composition == "allOf" || candidates.Count == 0)
                {
                    Info(DiagnosticDescriptors.UnionAsUntypedId, node, pointer + "/" + composition, composition + " with " + candidates.Count + " members is read as an untyped JSON value (UntypedNode)");
                    return TypeSpec.Any;
                }

                var alternatives = candidates
                    .Select(c => ParseType(c.Node, pointer + "/" + composition + "/" + c.Index, hoistName == null ? null : hoistName + "Option" + (c.Index + 1)))
                    .ToEquatableArray();
                Info(DiagnosticDescriptors.UnionAsUntypedId, node, pointer + "/" + composition, composition + " with " + candidates.Count + " alternatives: the Kiota models read it as an untyped JSON value (UntypedNode)");
                return new TypeSpec(TypeKind.Union, Nullable: nullable, Alternatives: alternatives);
            }

            var types = TypeNames(node);
            var isNullable = types.Remove("null");
            if (types.Count > 1)
            {
                Info(DiagnosticDescriptors.UnionAsUntypedId, node, pointer + "/type", "a value of several types (" + string.Join(", ", types) + ") is read as an untyped JSON value (UntypedNode)");
                return TypeSpec.Any;
            }

            var typeName = types.Count == 1 ? types[0] : null;
            if (typeName == null)
            {
                if (node.GetObject("properties") != null)
                {
                    typeName = "object";
                }
                else if (node.GetArray("enum") != null)
                {
                    typeName = "string";
                }
                else if (node.Get("items") != null)
                {
                    typeName = "array";
                }
                else
                {
                    return new TypeSpec(TypeKind.Any, Nullable: isNullable);
                }
            }

            var format = node.GetString("format");
            switch (typeName)
            {
                case "string":
                    if (node.GetArray("enum") != null && hoistName != null)
                    {
                        return new TypeSpec(TypeKind.Ref, Hoist(hoistName, node, pointer), Nullable: isNullable);
                    }

                    switch (format)
                    {
                        case "byte": return new TypeSpec(TypeKind.Bytes, Nullable: isNullable, Format: format);
                        case "binary": return new TypeSpec(TypeKind.Binary, Nullable: isNullable, Format: format);
                        case "date-time": return new TypeSpec(TypeKind.DateTime, Nullable: isNullable, Format: format);
                        default: return new TypeSpec(TypeKind.String, Nullable: isNullable, Format: format);
                    }

                case "integer":
                    return format == "int32"
                        ? new TypeSpec(TypeKind.Int32, Nullable: isNullable, Format: format)
                        : new TypeSpec(TypeKind.Int64, Nullable: isNullable, Format: format ?? "int64");
                case "number":
                    return new TypeSpec(format == "float" ? TypeKind.Float : TypeKind.Double, Nullable: isNullable, Format: format);
                case "boolean":
                    return new TypeSpec(TypeKind.Boolean, Nullable: isNullable);
                case "array":
                    var item = node.Get("items") is JsonObject itemsNode
                        ? ParseType(itemsNode, pointer + "/items", hoistName == null ? null : hoistName + "Item")
                        : TypeSpec.Any;
                    return new TypeSpec(TypeKind.Array, Item: item, Nullable: isNullable);
                case "object":
                    if (IsObjectWithProperties(node, allowEmpty: false) && hoistName != null)
                    {
                        return new TypeSpec(TypeKind.Ref, Hoist(hoistName, node, pointer), Nullable: isNullable);
                    }

                    if (node.Get("additionalProperties") is JsonObject valueNode)
                    {
                        return new TypeSpec(TypeKind.Map, Item: ParseType(valueNode, pointer + "/additionalProperties", hoistName == null ? null : hoistName + "Value"), Nullable: isNullable);
                    }

                    if (node.Get("additionalProperties") is JsonBool ap && ap.Value)
                    {
                        return new TypeSpec(TypeKind.Map, Item: TypeSpec.Any, Nullable: isNullable);
                    }

                    return new TypeSpec(TypeKind.FreeObject, Nullable: isNullable);
                case "null":
                    return new TypeSpec(TypeKind.Any, Nullable: true);
                default:
                    Error(DiagnosticDescriptors.UnsupportedId, node, pointer + "/type", "unknown schema type '" + typeName + "'");
                    return TypeSpec.Any;
            }
        }

        /// <summary>
        /// True when <paramref name="text"/> is the string spelling of the numbers <paramref name="number"/> describes:
        /// the non-finite doubles as an enum of "NaN", "Infinity", "-Infinity", or an integer as a string with a pattern.
        /// </summary>
        private static bool IsWireSpellingOf(JsonObject number, JsonObject text)
        {
            var numberTypes = TypeNames(number);
            if (numberTypes.Count != 1 || !TypeNames(text).SequenceEqual(new[] { "string" }) || text.GetString("format") != null)
            {
                return false;
            }

            if (numberTypes[0] == "number" && text.GetArray("enum") is JsonArray values && values.Items.Count > 0)
            {
                return values.Items.All(v => v is JsonString s && (s.Value == "NaN" || s.Value == "Infinity" || s.Value == "-Infinity"));
            }

            return numberTypes[0] == "integer" && text.GetString("pattern") != null && text.GetArray("enum") == null;
        }

        private string Hoist(string name, JsonObject node, string pointer)
        {
            if (_hoisted.TryGetValue(pointer, out var known))
            {
                return known;
            }

            var unique = Identifiers.Unique(name, _schemaNames);
            _hoisted[pointer] = unique;
            _schemas.Add(ParseComponentSchema(unique, node, pointer, synthesized: true));
            return unique;
        }

        private List<string>? EnumValues(JsonObject node, string pointer)
        {
            if (!(node.GetArray("enum") is JsonArray values))
            {
                return null;
            }

            var list = new List<string>();
            for (var i = 0; i < values.Items.Count; i++)
            {
                switch (values.Items[i])
                {
                    case JsonString s:
                        list.Add(s.Value);
                        break;
                    case JsonNull _:
                        break;
                    default:
                        Error(DiagnosticDescriptors.UnsupportedId, values.Items[i], pointer + "/enum/" + i, "only string enums are supported");
                        break;
                }
            }

            return list;
        }

        private static List<string> TypeNames(JsonObject node)
        {
            var list = new List<string>();
            switch (node.Get("type"))
            {
                case JsonString s:
                    list.Add(s.Value);
                    break;
                case JsonArray a:
                    foreach (var t in a.Items)
                    {
                        if (t is JsonString ts)
                        {
                            list.Add(ts.Value);
                        }
                    }

                    break;
            }

            return list;
        }

        private void Error(string id, JsonNode? node, string pointer, string message) =>
            _diagnostics.Add(new DiagnosticInfo(id, DiagnosticLevel.Error, _filePath, pointer, message, node?.Line ?? 1, node?.Column ?? 1));

        private void Info(string id, JsonNode? node, string pointer, string message) =>
            _diagnostics.Add(new DiagnosticInfo(id, DiagnosticLevel.Info, _filePath, pointer, message, node?.Line ?? 1, node?.Column ?? 1));
    }

    /// <summary>RFC 6901 JSON pointer escaping.</summary>
    internal static class Pointer
    {
        public static string Escape(string token) => token.Replace("~", "~0").Replace("/", "~1");

        public static string Unescape(string token) => token.Replace("~1", "/").Replace("~0", "~");
    }
}
