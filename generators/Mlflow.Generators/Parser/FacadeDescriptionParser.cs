using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using Mlflow.Generators.Diagnostics;
using Mlflow.Generators.Helpers;
using Mlflow.Generators.Json;
using Mlflow.Generators.Model;

namespace Mlflow.Generators.Parser
{
    /// <summary>
    /// Reads the facade description files (<c>*.facade.json</c>, format in spec/facade/README.md) into a
    /// <see cref="FacadeDescription"/>. Only parses: whether the operations and fields exist is the planner's
    /// business (it has the spec). Never throws; every problem is a diagnostic at the node's line and column.
    /// </summary>
    internal sealed class FacadeDescriptionParser
    {
        // field[?][=default][:dict][ as csName]
        private static readonly Regex Shorthand = new Regex(
            @"^(?<field>[$A-Za-z0-9_.]+)(?<opt>\?)?(=(?<def>""[^""]*""|[^:\s]*))?(:(?<conv>dict))?( as (?<name>[A-Za-z_][A-Za-z0-9_]*))?$",
            RegexOptions.CultureInvariant);

        private readonly string _path;
        private readonly List<DiagnosticInfo> _diagnostics = new List<DiagnosticInfo>();
        private string? _reviewedAgainst;
        private readonly List<FacadeClientEntry> _clients = new List<FacadeClientEntry>();
        private readonly List<FacadeSkipEntry> _skips = new List<FacadeSkipEntry>();
        private readonly List<FacadeFieldDoc> _skippedTags = new List<FacadeFieldDoc>();
        private readonly List<FacadeMethodEntry> _methods = new List<FacadeMethodEntry>();
        private readonly List<FacadeFieldDoc> _glossary = new List<FacadeFieldDoc>();
        private readonly List<FacadeOperationDoc> _docs = new List<FacadeOperationDoc>();

        private FacadeDescriptionParser(string path) => _path = path;

        /// <summary>Parses one file.</summary>
        public static FacadeDescription Parse(string path, string text, CancellationToken cancellationToken)
        {
            var parser = new FacadeDescriptionParser(path);
            JsonNode root;
            try
            {
                root = JsonReader.Parse(text);
            }
            catch (JsonReadException ex)
            {
                parser._diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.FacadeInvalidId, DiagnosticLevel.Error, path, "", "not valid JSON: " + ex.Message, ex.Line, ex.Column));
                return parser.Result();
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (root is JsonObject obj)
            {
                parser.ReadRoot(obj);
            }
            else
            {
                parser.Error(root, "", "a facade description is a JSON object");
            }

            return parser.Result();
        }

        /// <summary>Merges the files of a build (in path order) into one description.</summary>
        public static FacadeDescription Merge(IEnumerable<FacadeDescription> files)
        {
            string? reviewed = null;
            var clients = new List<FacadeClientEntry>();
            var skips = new List<FacadeSkipEntry>();
            var skippedTags = new List<FacadeFieldDoc>();
            var methods = new List<FacadeMethodEntry>();
            var glossary = new List<FacadeFieldDoc>();
            var docs = new List<FacadeOperationDoc>();
            var diagnostics = new List<DiagnosticInfo>();
            foreach (var f in files)
            {
                reviewed = reviewed ?? f.ReviewedAgainst;
                clients.AddRange(f.Clients);
                skips.AddRange(f.Skips);
                skippedTags.AddRange(f.SkippedTags);
                methods.AddRange(f.Methods);
                glossary.AddRange(f.Glossary);
                docs.AddRange(f.Docs);
                diagnostics.AddRange(f.Diagnostics);
            }

            return new FacadeDescription(
                reviewed,
                clients.ToEquatableArray(),
                skips.ToEquatableArray(),
                skippedTags.ToEquatableArray(),
                methods.ToEquatableArray(),
                glossary.ToEquatableArray(),
                docs.ToEquatableArray(),
                diagnostics.ToEquatableArray());
        }

        private FacadeDescription Result() => new FacadeDescription(
            _reviewedAgainst,
            _clients.ToEquatableArray(),
            _skips.ToEquatableArray(),
            _skippedTags.ToEquatableArray(),
            _methods.ToEquatableArray(),
            _glossary.ToEquatableArray(),
            _docs.ToEquatableArray(),
            _diagnostics.ToEquatableArray());

        private void ReadRoot(JsonObject root)
        {
            foreach (var p in root.Properties)
            {
                var pointer = "/" + Pointer.Escape(p.Key);
                switch (p.Key)
                {
                    case "reviewedAgainst":
                        _reviewedAgainst = String(p.Value, pointer);
                        break;
                    case "clients":
                        foreach (var c in Object(p.Value, pointer))
                        {
                            ReadClient(c.Key, c.Value, pointer + "/" + Pointer.Escape(c.Key));
                        }

                        break;
                    case "skipTags":
                        foreach (var t in Object(p.Value, pointer))
                        {
                            _skippedTags.Add(new FacadeFieldDoc(t.Key, String(t.Value, pointer + "/" + Pointer.Escape(t.Key)) ?? ""));
                        }

                        break;
                    case "skip":
                        foreach (var s in Object(p.Value, pointer))
                        {
                            var where = pointer + "/" + Pointer.Escape(s.Key);
                            _skips.Add(new FacadeSkipEntry(s.Key, String(s.Value, where) ?? "", Position(s.Value, where)));
                        }

                        break;
                    case "methods":
                        if (p.Value is JsonArray methods)
                        {
                            for (var i = 0; i < methods.Items.Count; i++)
                            {
                                ReadMethod(methods.Items[i], pointer + "/" + i);
                            }
                        }
                        else
                        {
                            Error(p.Value, pointer, "'methods' is an array of method entries");
                        }

                        break;
                    case "glossary":
                        foreach (var g in Object(p.Value, pointer))
                        {
                            _glossary.Add(new FacadeFieldDoc(g.Key, String(g.Value, pointer + "/" + Pointer.Escape(g.Key)) ?? ""));
                        }

                        break;
                    case "docs":
                        foreach (var d in Object(p.Value, pointer))
                        {
                            ReadDocs(d.Key, d.Value, pointer + "/" + Pointer.Escape(d.Key));
                        }

                        break;
                    default:
                        if (!p.Key.StartsWith("$", StringComparison.Ordinal))
                        {
                            Error(p.Value, pointer, "unknown key '" + p.Key + "' (expected reviewedAgainst, clients, skipTags, skip, methods, glossary, docs, or a $comment)");
                        }

                        break;
                }
            }
        }

        private void ReadClient(string key, JsonNode node, string pointer)
        {
            if (!(node is JsonObject o))
            {
                Error(node, pointer, "a client entry is an object with class, property, tags and summary");
                return;
            }

            var className = o.GetString("class");
            var property = o.GetString("property") ?? key;
            if (className == null || !Identifiers.IsIdentifier(className) || !Identifiers.IsIdentifier(property))
            {
                Error(node, pointer, "a client entry needs 'class' (and optionally 'property') as C# identifiers");
                return;
            }

            var tags = new List<string>();
            foreach (var t in o.GetArray("tags")?.Items ?? new List<JsonNode>())
            {
                if (t is JsonString s)
                {
                    tags.Add(s.Value);
                }
            }

            _clients.Add(new FacadeClientEntry(key, className, property, tags.ToEquatableArray(), o.GetString("summary") ?? "", Position(node, pointer)));
        }

        private void ReadDocs(string operationId, JsonNode node, string pointer)
        {
            if (!(node is JsonObject o))
            {
                Error(node, pointer, "a docs entry is an object with summary, returns and params");
                return;
            }

            var parameters = new List<FacadeFieldDoc>();
            foreach (var p in o.GetObject("params")?.Properties ?? new List<KeyValuePair<string, JsonNode>>())
            {
                parameters.Add(new FacadeFieldDoc(p.Key, String(p.Value, pointer + "/params/" + Pointer.Escape(p.Key)) ?? ""));
            }

            _docs.Add(new FacadeOperationDoc(operationId, o.GetString("summary"), o.GetString("returns"), parameters.ToEquatableArray()));
        }

        private void ReadMethod(JsonNode node, string pointer)
        {
            if (!(node is JsonObject o))
            {
                Error(node, pointer, "a method entry is an object");
                return;
            }

            var operation = o.GetString("operation");
            var name = o.GetString("name");
            if (operation == null || name == null || !Identifiers.IsIdentifier(name))
            {
                Error(node, pointer, "a method entry needs 'operation' (an operationId) and 'name' (a C# identifier, without Async)");
                return;
            }

            foreach (var key in o.Properties.Select(x => x.Key))
            {
                if (Array.IndexOf(MethodKeys, key) < 0 && !key.StartsWith("$", StringComparison.Ordinal))
                {
                    Error(o.Get(key), pointer + "/" + Pointer.Escape(key), "unknown key '" + key + "' in a method entry (expected " + string.Join(", ", MethodKeys) + ")");
                }
            }

            var parameters = new List<FacadeParameterEntry>();
            if (o.GetArray("params") is JsonArray ps)
            {
                for (var i = 0; i < ps.Items.Count; i++)
                {
                    var parameter = ReadParameter(ps.Items[i], pointer + "/params/" + i);
                    if (parameter != null)
                    {
                        parameters.Add(parameter);
                    }
                }
            }
            else if (o.Get("params") != null)
            {
                Error(o.Get("params"), pointer + "/params", "'params' is an array");
            }

            var hidden = new List<string>();
            foreach (var h in o.GetArray("hide")?.Items ?? new List<JsonNode>())
            {
                if (h is JsonString s)
                {
                    hidden.Add(s.Value);
                }
                else
                {
                    Error(h, pointer + "/hide", "'hide' lists field names");
                }
            }

            var notFound = NotFoundBehavior.Throw;
            switch (o.GetString("notFound"))
            {
                case null:
                    break;
                case "null":
                    notFound = NotFoundBehavior.ReturnNull;
                    break;
                case "null-or-unknown-alias":
                    notFound = NotFoundBehavior.ReturnNullIncludingUnknownAlias;
                    break;
                default:
                    Error(o.Get("notFound"), pointer + "/notFound", "'notFound' is \"null\" or \"null-or-unknown-alias\"");
                    break;
            }

            int? pageSize = null;
            if (o.Get("pageSize") is JsonNumber n)
            {
                if (int.TryParse(n.Raw, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var size) && size > 0)
                {
                    pageSize = size;
                }
                else
                {
                    Error(n, pointer + "/pageSize", "'pageSize' is a positive integer");
                }
            }

            _methods.Add(new FacadeMethodEntry(
                operation,
                name,
                o.GetString("client"),
                parameters.ToEquatableArray(),
                hidden.ToEquatableArray(),
                o.GetString("returns"),
                notFound,
                pageSize,
                o.GetString("summary"),
                o.GetString("returnsDoc"),
                Position(node, pointer)));
        }

        private static readonly string[] MethodKeys = { "operation", "name", "client", "params", "hide", "returns", "notFound", "pageSize", "summary", "returnsDoc" };

        private FacadeParameterEntry? ReadParameter(JsonNode node, string pointer)
        {
            var position = Position(node, pointer);
            if (node is JsonString s)
            {
                var m = Shorthand.Match(s.Value);
                if (!m.Success)
                {
                    Error(node, pointer, "parameter '" + s.Value + "' does not read as field[?][=default][:dict][ as name]");
                    return null;
                }

                var hasDefault = m.Groups["def"].Success;
                var (kind, json) = hasDefault ? DefaultFromShorthand(m.Groups["def"].Value) : (FacadeDefaultKind.None, null);
                return new FacadeParameterEntry(
                    m.Groups["field"].Value,
                    m.Groups["name"].Success ? m.Groups["name"].Value : null,
                    m.Groups["opt"].Success || hasDefault,
                    m.Groups["conv"].Success ? FacadeConversion.Dictionary : FacadeConversion.None,
                    kind,
                    json,
                    null,
                    position);
            }

            if (node is JsonObject o)
            {
                var field = o.GetString("field");
                if (field == null)
                {
                    Error(node, pointer, "a parameter object needs 'field'");
                    return null;
                }

                var conversion = FacadeConversion.None;
                switch (o.GetString("as"))
                {
                    case null:
                        break;
                    case "dict":
                        conversion = FacadeConversion.Dictionary;
                        break;
                    default:
                        Error(o.Get("as"), pointer + "/as", "'as' is \"dict\"");
                        break;
                }

                var kind = FacadeDefaultKind.None;
                string? json = null;
                if (o.Get("default") is JsonNode d)
                {
                    if (d is JsonString ds && ds.Value == "$now")
                    {
                        kind = FacadeDefaultKind.NowMillis;
                    }
                    else if (d is JsonString || d is JsonNumber || d is JsonBool)
                    {
                        kind = FacadeDefaultKind.Constant;
                        json = JsonText.Write(d);
                    }
                    else
                    {
                        Error(d, pointer + "/default", "'default' is \"$now\", a number, a string or a boolean");
                    }
                }

                var name = o.GetString("name");
                if (name != null && !Identifiers.IsIdentifier(name))
                {
                    Error(o.Get("name"), pointer + "/name", "'name' is a C# identifier");
                    name = null;
                }

                return new FacadeParameterEntry(field, name, o.GetBool("optional") || kind != FacadeDefaultKind.None, conversion, kind, json, o.GetString("doc"), position, o.GetString("and"));
            }

            Error(node, pointer, "a parameter is a string (field[?][=default][:dict][ as name]) or an object");
            return null;
        }

        private static (FacadeDefaultKind, string?) DefaultFromShorthand(string text)
        {
            if (text == "$now")
            {
                return (FacadeDefaultKind.NowMillis, null);
            }

            if (text.Length >= 2 && text[0] == '"' && text[text.Length - 1] == '"')
            {
                return (FacadeDefaultKind.Constant, JsonText.Write(new JsonString(text.Substring(1, text.Length - 2))));
            }

            if (text == "true" || text == "false" || (text.Length > 0 && (char.IsDigit(text[0]) || text[0] == '-')))
            {
                return (FacadeDefaultKind.Constant, text);
            }

            return (FacadeDefaultKind.Constant, JsonText.Write(new JsonString(text)));
        }

        private IEnumerable<KeyValuePair<string, JsonNode>> Object(JsonNode node, string pointer)
        {
            if (node is JsonObject o)
            {
                return o.Properties;
            }

            Error(node, pointer, "expected a JSON object");
            return Enumerable.Empty<KeyValuePair<string, JsonNode>>();
        }

        private string? String(JsonNode node, string pointer)
        {
            if (node is JsonString s)
            {
                return s.Value;
            }

            Error(node, pointer, "expected a string");
            return null;
        }

        private SourcePosition Position(JsonNode node, string pointer) => new SourcePosition(_path, pointer, node.Line, node.Column);

        private void Error(JsonNode? node, string pointer, string message) =>
            _diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.FacadeInvalidId, DiagnosticLevel.Error, _path, pointer, message, node?.Line ?? 1, node?.Column ?? 1));
    }
}
