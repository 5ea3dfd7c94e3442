using System;
using System.Collections.Generic;
using System.Linq;
using Mlflow.Generators.Diagnostics;
using Mlflow.Generators.Helpers;
using Mlflow.Generators.Model;

namespace Mlflow.Generators.Planning
{
    /// <summary>
    /// Decides the Kiota shape of the client (class names, namespaces, URL templates, C# types) from a parsed
    /// <see cref="SpecDocument"/>. Pure function of its input; problems become diagnostics.
    /// </summary>
    internal sealed class KiotaPlanner
    {
        /// <summary>Members a generated builder already has; a child with one of these names gets a "Path" suffix.</summary>
        private static readonly string[] BuilderMembers =
        {
            "WithUrl", "PathParameters", "RequestAdapter", "UrlTemplate", "Equals", "GetHashCode", "GetType", "ToString",
            "GetAsync", "PostAsync", "PutAsync", "DeleteAsync", "PatchAsync", "HeadAsync", "OptionsAsync",
        };

        private static readonly string[] ModelMembers =
        {
            "AdditionalData", "Serialize", "GetFieldDeserializers", "CreateFromDiscriminatorValue", "Equals", "GetHashCode", "GetType", "ToString", "MemberwiseClone", "Finalize",
        };

        private static readonly string[] ExceptionMembers =
        {
            "Message", "Data", "Source", "StackTrace", "HelpLink", "HResult", "InnerException", "TargetSite", "ResponseStatusCode", "ResponseHeaders", "GetBaseException", "GetObjectData",
        };

        private readonly SpecDocument _spec;
        private readonly Dictionary<string, SchemaSpec> _schemas = new Dictionary<string, SchemaSpec>(StringComparer.Ordinal);
        private readonly List<DiagnosticInfo> _diagnostics = new List<DiagnosticInfo>();

        private KiotaPlanner(SpecDocument spec)
        {
            _spec = spec;
            _diagnostics.AddRange(spec.Diagnostics);
            foreach (var s in spec.Schemas)
            {
                _schemas[s.Name] = s;
            }
        }

        /// <summary>Plans the client for <paramref name="spec"/> in <see cref="GeneratedNamespaces.Client"/>.</summary>
        public static ClientPlan Plan(SpecDocument spec, string clientClassName)
        {
            var planner = new KiotaPlanner(spec);
            var errorModels = planner.ErrorModelNames();
            var models = new List<ModelPlan>();
            var enums = new List<EnumPlan>();
            // The webhook envelopes and payloads are generated into Mlflow.Webhooks (UnionPlanner), not as client models.
            var webhookOnly = SchemaReach.WebhookOnly(spec);
            foreach (var schema in spec.Schemas)
            {
                if (webhookOnly.Contains(schema.Name))
                {
                    continue;
                }

                switch (schema.Kind)
                {
                    case SchemaKind.Object:
                        models.Add(planner.PlanModel(schema, errorModels.Contains(schema.Name)));
                        break;
                    case SchemaKind.Enum:
                        enums.Add(planner.PlanEnum(schema));
                        break;
                }
            }

            var builders = new List<BuilderPlan>();
            var root = planner.PlanBuilders(clientClassName, builders);
            var defaultBaseUrl = spec.ServerUrl != null && Uri.TryCreate(spec.ServerUrl, UriKind.Absolute, out _) ? spec.ServerUrl.TrimEnd('/') : null;
            return new ClientPlan(
                new RootPlan(root, defaultBaseUrl, spec.Title, spec.WireNotes),
                models.ToEquatableArray(),
                enums.ToEquatableArray(),
                builders.ToEquatableArray(),
                planner._diagnostics.ToEquatableArray());
        }

        /// <summary>The 1-based line of a spec node for a diagnostic (1 when the parser did not record it).</summary>
        private static int Line(SpecPosition position) => position.Line > 0 ? position.Line : 1;

        private static int Column(SpecPosition position) => position.Column > 0 ? position.Column : 1;

        private HashSet<string> ErrorModelNames()
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var op in _spec.Operations)
            {
                foreach (var r in op.Responses)
                {
                    if (IsSuccess(r.Status))
                    {
                        continue;
                    }

                    foreach (var m in r.Content)
                    {
                        if (IsJson(m.MediaType) && m.Type != null && ErrorModel(m.Type) is { Kind: UseKind.Model } use)
                        {
                            names.Add(use.Schema!);
                        }
                    }
                }
            }

            return names;
        }

        // ---------------------------------------------------------------- models and enums

        private ModelPlan PlanModel(SchemaSpec schema, bool isError)
        {
            var className = schema.Name;
            var taken = new HashSet<string>(StringComparer.Ordinal) { className };
            foreach (var m in ModelMembers)
            {
                taken.Add(m);
            }

            if (isError)
            {
                foreach (var m in ExceptionMembers)
                {
                    taken.Add(m);
                }
            }

            var props = new List<PropertyPlan>();
            foreach (var p in schema.Properties)
            {
                var name = Identifiers.Pascal(p.Name, "P");
                if (name == className || Array.IndexOf(ModelMembers, name) >= 0)
                {
                    name += "Prop";
                }
                else if (isError && Array.IndexOf(ExceptionMembers, name) >= 0)
                {
                    // Kiota's convention for members that clash with System.Exception.
                    name += "Escaped";
                }

                name = Identifiers.Unique(name, taken);
                var type = Resolve(p.Type, 0);
                type = Simplify(type, p.Pointer, p.Position);
                props.Add(new PropertyPlan(p.Name, name, type, p.Description, p.Deprecated, PresenceOf(p, type), p.AlwaysWritten));
            }

            return new ModelPlan(className, schema.Description, schema.Deprecated, isError, props.ToEquatableArray());
        }

        /// <summary>
        /// Lists and maps are never null (proto leaves empty ones out, and JSON null reads as empty); fields the schema
        /// requires or MLflow always writes (<c>x-mlflow-always-written</c>) are non-nullable unless the schema allows
        /// <c>null</c>; the rest are nullable.
        /// Untyped JSON stays nullable: nothing distinguishes an absent value from a JSON null.
        /// </summary>
        private static Presence PresenceOf(PropertySpec property, TypeUse type)
        {
            switch (type.Kind)
            {
                case UseKind.Array:
                case UseKind.Map:
                    // Even where the schema allows JSON null (optional request fields, the Deployments server's
                    // answers): null and absent read as empty; a JSON null is kept in AdditionalData and written back.
                    return Presence.Collection;
                case UseKind.Any:
                case UseKind.Stream:
                    return Presence.Optional;
            }

            if (property.Type.Nullable)
            {
                // The schema allows JSON null: keep null readable.
                return Presence.Optional;
            }

            return property.Required || property.AlwaysWritten ? Presence.Required : Presence.Optional;
        }

        /// <summary>Containers of containers are kept as untyped JSON (lossless), with an informational diagnostic.</summary>
        private TypeUse Simplify(TypeUse type, string pointer, SpecPosition position)
        {
            if ((type.Kind == UseKind.Array || type.Kind == UseKind.Map) && (type.Item!.Kind == UseKind.Array || type.Item.Kind == UseKind.Map || type.Item.Kind == UseKind.Stream))
            {
                _diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.UnionAsUntypedId, DiagnosticLevel.Info, _spec.FilePath, pointer, "a container of containers is read as an untyped JSON value (UntypedNode)", Line(position), Column(position)));
                return new TypeUse(UseKind.Any);
            }

            if (type.Kind == UseKind.Stream)
            {
                return new TypeUse(UseKind.Bytes);
            }

            return type;
        }

        private EnumPlan PlanEnum(SchemaSpec schema)
        {
            var taken = new HashSet<string>(StringComparer.Ordinal);
            var members = new List<EnumMemberPlan>();
            foreach (var v in schema.EnumValues)
            {
                members.Add(new EnumMemberPlan(v, Identifiers.Unique(Identifiers.Pascal(v, "Value"), taken)));
            }

            return new EnumPlan(schema.Name, schema.Description, members.ToEquatableArray());
        }

        /// <summary>Resolves a spec type to its C# shape; aliases are followed.</summary>
        private TypeUse Resolve(TypeSpec type, int depth)
        {
            switch (type.Kind)
            {
                case TypeKind.Ref:
                    if (depth > 32 || !_schemas.TryGetValue(type.RefName!, out var schema))
                    {
                        return new TypeUse(UseKind.Any);
                    }

                    switch (schema.Kind)
                    {
                        case SchemaKind.Object: return new TypeUse(UseKind.Model, schema.Name);
                        case SchemaKind.Enum: return new TypeUse(UseKind.Enum, schema.Name);
                        default: return Resolve(schema.Alias ?? TypeSpec.Any, depth + 1);
                    }

                case TypeKind.String: return new TypeUse(UseKind.String);
                case TypeKind.Int32: return new TypeUse(UseKind.Int32);
                case TypeKind.Int64: return new TypeUse(UseKind.Int64);
                case TypeKind.Double:
                case TypeKind.Float: return new TypeUse(UseKind.Double);
                case TypeKind.Boolean: return new TypeUse(UseKind.Boolean);
                case TypeKind.Bytes: return new TypeUse(UseKind.Bytes);
                case TypeKind.Binary: return new TypeUse(UseKind.Stream);
                case TypeKind.DateTime: return new TypeUse(UseKind.DateTime);
                case TypeKind.Array: return new TypeUse(UseKind.Array, Item: Resolve(type.Item ?? TypeSpec.Any, depth + 1));
                case TypeKind.Map: return new TypeUse(UseKind.Map, Item: Resolve(type.Item ?? TypeSpec.Any, depth + 1));
                case TypeKind.Union:
                    return new TypeUse(UseKind.Any); // the parser reported it (MLFG100)
                default: return new TypeUse(UseKind.Any);
            }
        }

        // ---------------------------------------------------------------- request builders

        private sealed class Node
        {
            public Node(string segment, NodeKind kind, Node? parent)
            {
                Segment = segment;
                Kind = kind;
                Parent = parent;
            }

            public string Segment { get; }

            public NodeKind Kind { get; }

            public Node? Parent { get; }

            public SortedDictionary<string, Node> Children { get; } = new SortedDictionary<string, Node>(StringComparer.Ordinal);

            public List<OperationSpec> Operations { get; } = new List<OperationSpec>();

            /// <summary>Spec names used for this node's path parameter, with how many operations use each.</summary>
            public Dictionary<string, int> ParameterNames { get; } = new Dictionary<string, int>(StringComparer.Ordinal);

            public bool AllowSlashes { get; set; }

            public string Variable { get; set; } = "";

            public string Chosen { get; set; } = "";

            public string Namespace { get; set; } = "";

            public string ClassName { get; set; } = "";

            public string MemberName { get; set; } = "";

            public string PathTemplate { get; set; } = "";

            public string PathDisplay { get; set; } = "";
        }

        private enum NodeKind
        {
            Root,
            Literal,
            Parameter,
            Mixed,
            Slash,
        }

        private BuilderPlan PlanBuilders(string clientClassName, List<BuilderPlan> builders)
        {
            var root = new Node("", NodeKind.Root, null)
            {
                Namespace = GeneratedNamespaces.Client,
                ClassName = clientClassName,
                PathTemplate = "{+baseurl}",
                PathDisplay = "/",
            };

            // Where each operation's path parameters sit: (node, spec parameter name).
            var opNodes = new Dictionary<OperationSpec, Node>();
            var opParams = new Dictionary<OperationSpec, List<(Node Node, string Name)>>();
            foreach (var op in _spec.Operations)
            {
                var node = root;
                var placed = new List<(Node, string)>();
                var segments = op.Path.Substring(1).Split('/');
                for (var i = 0; i < segments.Length; i++)
                {
                    var segment = segments[i];
                    if (segment.Length == 0 && i < segments.Length - 1)
                    {
                        continue; // "//": ignore empty inner segments
                    }

                    var kind = SegmentKind(segment);
                    var key = kind == NodeKind.Parameter ? "{}" : kind == NodeKind.Mixed ? "{}" + StripParameters(segment) : segment;
                    if (!node.Children.TryGetValue(key, out var child))
                    {
                        child = new Node(segment, kind, node);
                        node.Children.Add(key, child);
                    }

                    foreach (var name in ParametersOf(segment))
                    {
                        child.ParameterNames.TryGetValue(name, out var count);
                        child.ParameterNames[name] = count + 1;
                        placed.Add((child, name));
                        if (op.Parameters.Any(p => p.In == "path" && p.Name == name && p.AllowSlashes))
                        {
                            child.AllowSlashes = true;
                        }
                    }

                    node = child;
                }

                node.Operations.Add(op);
                opNodes[op] = node;
                opParams[op] = placed;
            }

            Name(root);
            return Emit(root, opParams, builders);
        }

        private static NodeKind SegmentKind(string segment)
        {
            if (segment.Length == 0)
            {
                return NodeKind.Slash;
            }

            var open = segment.IndexOf('{');
            if (open < 0)
            {
                return NodeKind.Literal;
            }

            return open == 0 && segment.IndexOf('}') == segment.Length - 1 && segment.IndexOf('{', 1) < 0 ? NodeKind.Parameter : NodeKind.Mixed;
        }

        private static string StripParameters(string segment)
        {
            var sb = new System.Text.StringBuilder();
            var depth = 0;
            foreach (var c in segment)
            {
                if (c == '{')
                {
                    depth++;
                }
                else if (c == '}')
                {
                    depth--;
                }
                else if (depth == 0)
                {
                    sb.Append(c);
                }
            }

            return sb.ToString();
        }

        private static IEnumerable<string> ParametersOf(string segment)
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

        /// <summary>Assigns member, class and namespace names top-down, deterministically (children in ordinal key order).</summary>
        private void Name(Node node)
        {
            var taken = new HashSet<string>(BuilderMembers, StringComparer.Ordinal);
            foreach (var child in node.Children.Values)
            {
                string member;
                string nsSegment;
                string className;
                var chosen = child.ParameterNames.Count == 0
                    ? ""
                    : child.ParameterNames.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).First().Key;
                child.Chosen = chosen;
                child.Variable = chosen.Length == 0 ? "" : Identifiers.UriTemplateVariable(chosen);
                switch (child.Kind)
                {
                    case NodeKind.Parameter:
                        member = "this[]";
                        nsSegment = "Item";
                        className = "With" + Identifiers.Pascal(chosen, "P") + "ItemRequestBuilder";
                        child.PathTemplate = node.PathTemplate + "/{" + (child.AllowSlashes ? "+" : "") + child.Variable + "}";
                        break;
                    case NodeKind.Mixed:
                        member = Identifiers.Unique("With" + Identifiers.Pascal(chosen, "P") + Identifiers.Pascal(StripParameters(child.Segment), ""), taken);
                        nsSegment = member;
                        className = member + "RequestBuilder";
                        child.PathTemplate = node.PathTemplate + "/" + ReplaceParameter(child.Segment, (child.AllowSlashes ? "+" : "") + child.Variable);
                        break;
                    case NodeKind.Slash:
                        member = Identifiers.Unique("Slash", taken);
                        nsSegment = member;
                        className = member + "RequestBuilder";
                        child.PathTemplate = node.PathTemplate + "/";
                        break;
                    default:
                        var pascal = Identifiers.Pascal(child.Segment, "V");
                        member = Identifiers.Unique(Array.IndexOf(BuilderMembers, pascal) >= 0 ? pascal + "Path" : pascal, taken);
                        nsSegment = member;
                        className = member + "RequestBuilder";
                        child.PathTemplate = node.PathTemplate + "/" + child.Segment;
                        break;
                }

                child.MemberName = member;
                child.Namespace = node.Namespace + "." + nsSegment;
                child.ClassName = className;
                child.PathDisplay = (node.PathDisplay == "/" ? "" : node.PathDisplay) + "/" + child.Segment;
                Name(child);
            }
        }

        private static string ReplaceParameter(string segment, string variable)
        {
            var start = segment.IndexOf('{');
            var end = segment.IndexOf('}', start);
            return segment.Substring(0, start) + "{" + variable + "}" + ReplaceRest(segment.Substring(end + 1));
        }

        private static string ReplaceRest(string rest) => rest.IndexOf('{') < 0 ? rest : StripParameters(rest);

        private BuilderPlan Emit(Node node, Dictionary<OperationSpec, List<(Node Node, string Name)>> opParams, List<BuilderPlan> builders)
        {
            var children = new List<NavigationPlan>();
            foreach (var child in node.Children.Values)
            {
                var plan = Emit(child, opParams, builders);
                switch (child.Kind)
                {
                    case NodeKind.Parameter:
                        children.Add(new NavigationPlan(NavigationKind.Indexer, "this[]", plan.Ref, child.Variable, "position", "Gets an item from the " + child.PathDisplay + " collection (path parameter " + string.Join(", ", child.ParameterNames.Keys.OrderBy(k => k, StringComparer.Ordinal)) + ")."));
                        break;
                    case NodeKind.Mixed:
                        children.Add(new NavigationPlan(NavigationKind.Method, child.MemberName, plan.Ref, child.Variable, Identifiers.Camel(child.Chosen.Length > 0 ? child.Chosen : "value"), "Builds and executes requests for " + child.PathDisplay + "."));
                        break;
                    default:
                        children.Add(new NavigationPlan(NavigationKind.Property, child.MemberName, plan.Ref, null, null, "The " + child.PathDisplay + " path."));
                        break;
                }
            }

            var operations = new List<OperationPlan>();
            var queryNames = new List<(string Name, bool Explode)>();
            foreach (var op in node.Operations)
            {
                var planned = PlanOperation(op, opParams[op]);
                operations.Add(planned);
                foreach (var q in planned.Query)
                {
                    if (!queryNames.Any(x => x.Name == q.TemplateName))
                    {
                        queryNames.Add((q.TemplateName, q.Explode && q.Type.Kind == UseKind.Array));
                    }
                }
            }

            var template = node.PathTemplate;
            if (queryNames.Count > 0)
            {
                template += "{?" + string.Join(",", queryNames.Select(q => q.Name + (q.Explode ? "*" : ""))) + "}";
            }

            var builder = new BuilderPlan(node.Namespace, node.ClassName, template, node.PathDisplay, node.Kind == NodeKind.Root, children.ToEquatableArray(), operations.ToEquatableArray());
            builders.Add(builder);
            return builder;
        }


        private OperationPlan PlanOperation(OperationSpec op, List<(Node Node, string Name)> placed)
        {
            var query = new List<QueryParameterPlan>();
            var taken = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in op.Parameters)
            {
                if (p.In != "query")
                {
                    continue; // header and cookie parameters are set through the request configuration, as in Kiota
                }

                var type = Resolve(p.Type, 0);
                var scalar = type.Kind == UseKind.Array ? type.Item! : type;
                if (!IsQueryScalar(scalar.Kind))
                {
                    _diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.UnsupportedParameterId, DiagnosticLevel.Error, _spec.FilePath, p.Pointer, "query parameter '" + p.Name + "' of " + op.OperationId + " has a " + scalar.Kind + " type; query parameters must be primitives, enums or arrays of them", Line(p.Position), Column(p.Position)));
                    continue;
                }

                query.Add(new QueryParameterPlan(p.Name, Identifiers.UriTemplateVariable(p.Name), Identifiers.Unique(Identifiers.Pascal(p.Name, "P"), taken), type, p.Explode, p.Description, p.Deprecated));
            }

            var pathParams = placed.Select(x => new PathParameterPlan(x.Name, x.Node.Variable)).ToList();
            foreach (var p in op.Parameters)
            {
                if (p.In == "path" && !placed.Any(x => x.Name == p.Name))
                {
                    _diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.UnsupportedParameterId, DiagnosticLevel.Error, _spec.FilePath, p.Pointer, "path parameter '" + p.Name + "' of " + op.OperationId + " does not appear in the path " + op.Path, Line(p.Position), Column(p.Position)));
                }
            }

            var method = op.Method.Substring(0, 1) + op.Method.Substring(1).ToLowerInvariant();
            return new OperationPlan(
                op.OperationId,
                op.Method,
                method,
                op.Path,
                op.Tag,
                op.Summary,
                op.Description,
                op.Deprecated,
                query.ToEquatableArray(),
                pathParams.ToEquatableArray(),
                PlanBody(op),
                PlanResponse(op),
                PlanErrors(op),
                op.MlflowExtensions.Since);
        }

        private static bool IsQueryScalar(UseKind kind) =>
            kind == UseKind.String || kind == UseKind.Int32 || kind == UseKind.Int64 || kind == UseKind.Double || kind == UseKind.Boolean || kind == UseKind.Enum || kind == UseKind.DateTime;

        private BodyPlan? PlanBody(OperationSpec op)
        {
            if (op.RequestBody == null || op.RequestBody.Content.Count == 0)
            {
                return null;
            }

            var required = op.RequestBody.Required;
            foreach (var m in op.RequestBody.Content)
            {
                if (!IsJson(m.MediaType))
                {
                    continue;
                }

                var type = m.Type == null ? new TypeUse(UseKind.Any) : Resolve(m.Type, 0);
                if (type.Kind == UseKind.Model || type.Kind == UseKind.Any || (type.Kind == UseKind.Array && type.Item!.Kind == UseKind.Model))
                {
                    return new BodyPlan(BodyKind.Json, m.MediaType, type, required);
                }

                _diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.UnsupportedBodyId, DiagnosticLevel.Error, _spec.FilePath, op.Pointer + "/requestBody", "the JSON request body of " + op.OperationId + " is a " + type.Kind + "; JSON bodies must be objects (a schema reference), arrays of objects or {}", Line(op.RequestBody!.Position), Column(op.RequestBody.Position)));
                return null;
            }

            // Raw bytes (octet-stream, protobuf, multipart, text...) are sent from a Stream with the first media type.
            return new BodyPlan(BodyKind.Stream, op.RequestBody.Content[0].MediaType, new TypeUse(UseKind.Stream), required);
        }

        private ResponsePlan PlanResponse(OperationSpec op)
        {
            var success = op.Responses.Where(r => IsSuccess(r.Status)).OrderBy(r => r.Status, StringComparer.Ordinal).ToList();
            var accept = string.Join(", ", success.SelectMany(r => r.Content).Select(m => m.MediaType).Distinct());
            foreach (var r in success)
            {
                if (r.Content.Count == 0)
                {
                    continue;
                }

                foreach (var m in r.Content)
                {
                    if (!IsJson(m.MediaType))
                    {
                        continue;
                    }

                    var type = m.Type == null ? new TypeUse(UseKind.Any) : Resolve(m.Type, 0);
                    if (type.Kind == UseKind.Model)
                    {
                        return new ResponsePlan(ResponseKind.Model, type, accept);
                    }

                    if (type.Kind == UseKind.Array && type.Item!.Kind == UseKind.Model)
                    {
                        return new ResponsePlan(ResponseKind.Collection, type, accept);
                    }

                    // Maps, primitives, arrays of primitives and free-form JSON: read losslessly as UntypedNode.
                    return new ResponsePlan(ResponseKind.Untyped, new TypeUse(UseKind.Any), accept);
                }

                return new ResponsePlan(ResponseKind.Stream, new TypeUse(UseKind.Stream), accept);
            }

            return new ResponsePlan(ResponseKind.None, null, accept.Length == 0 ? null : accept);
        }

        private EquatableArray<ErrorPlan> PlanErrors(OperationSpec op)
        {
            var list = new List<ErrorPlan>();
            foreach (var r in op.Responses)
            {
                if (IsSuccess(r.Status))
                {
                    continue;
                }

                foreach (var m in r.Content)
                {
                    if (IsJson(m.MediaType) && m.Type != null && ErrorModel(m.Type) is { Kind: UseKind.Model } use)
                    {
                        var key = r.Status == "default" ? "XXX" : r.Status.ToUpperInvariant();
                        if (!list.Any(e => e.StatusKey == key))
                        {
                            list.Add(new ErrorPlan(key, use.Schema!));
                        }

                        break;
                    }
                }
            }

            return list.ToEquatableArray();
        }

        /// <summary>
        /// The model an error body is read into: the schema itself, or for a union of error shapes its first object
        /// alternative (the other shapes' fields land in AdditionalData, nothing is lost).
        /// </summary>
        private TypeUse? ErrorModel(TypeSpec type)
        {
            if (type.Kind == TypeKind.Union)
            {
                foreach (var alternative in type.Alternatives)
                {
                    if (alternative.Kind == TypeKind.Ref && Resolve(alternative, 0) is { Kind: UseKind.Model } model)
                    {
                        return model;
                    }
                }

                return null;
            }

            return Resolve(type, 0);
        }

        private static bool IsSuccess(string status) => status.Length == 3 && status[0] == '2';

        private static bool IsJson(string mediaType)
        {
            var m = mediaType.ToLowerInvariant();
            var semi = m.IndexOf(';');
            if (semi >= 0)
            {
                m = m.Substring(0, semi).Trim();
            }

            return m == "application/json" || m.EndsWith("+json", StringComparison.Ordinal);
        }
    }
}
