using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Mlflow.Generators.Diagnostics;
using Mlflow.Generators.Helpers;
using Mlflow.Generators.Json;
using Mlflow.Generators.Model;

namespace Mlflow.Generators.Planning
{
    /// <summary>
    /// Plans the facade (<c>MlflowClient</c> and its sub-clients) from the parsed spec, its Kiota plan and the reviewed
    /// facade description. A described operation gets exactly the reviewed signature; an undescribed one gets a method
    /// by the fallback rules (and an info diagnostic), so a newer spec never silently changes a reviewed signature.
    /// </summary>
    internal sealed class FacadePlanner
    {
        private const string RootKey = "";

        private static readonly string[] ReservedMembers =
        {
            "Dispose", "Settings", "RequestAdapter", "Api", "FromEnvironment", "Equals", "GetHashCode", "ToString", "GetType",
        };

        private readonly SpecDocument _spec;
        private readonly ClientPlan _plan;
        private readonly FacadeDescription _description;
        private readonly bool _olderSpec;
        private readonly List<DiagnosticInfo> _diagnostics = new List<DiagnosticInfo>();
        private readonly Dictionary<string, SchemaSpec> _schemas;
        private readonly Dictionary<string, ModelPlan> _models;
        private readonly Dictionary<string, EnumPlan> _enums;
        private readonly Dictionary<string, (BuilderPlan Builder, OperationPlan Operation)> _owners = new Dictionary<string, (BuilderPlan, OperationPlan)>(StringComparer.Ordinal);
        private readonly Dictionary<string, FacadeFieldDoc> _glossary;
        private readonly Dictionary<string, FacadeOperationDoc> _docs;

        private FacadePlanner(SpecDocument spec, ClientPlan plan, FacadeDescription description)
        {
            _spec = spec;
            _plan = plan;
            _description = description;
            _olderSpec = description.ReviewedAgainst != null && CompareVersions(spec.Version, description.ReviewedAgainst) < 0;
            _schemas = spec.Schemas.GroupBy(s => s.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            // Keyed by schema name, as TypeUse refers to them.
            _models = plan.Models.ToDictionary(m => m.ClassName, StringComparer.Ordinal);
            _enums = plan.Enums.ToDictionary(e => e.Name, StringComparer.Ordinal);
            foreach (var builder in plan.Builders.Concat(new[] { plan.Root.Builder }))
            {
                foreach (var operation in builder.Operations)
                {
                    _owners[operation.OperationId] = (builder, operation);
                }
            }

            _glossary = description.Glossary.GroupBy(g => g.Field, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
            _docs = description.Docs.GroupBy(d => d.OperationId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        }

        /// <summary>Plans the facade of class <paramref name="facadeClient"/> (e.g. <c>Mlflow.MlflowClient</c>); null when it is empty.</summary>
        public static FacadePlan? Plan(SpecDocument spec, ClientPlan plan, FacadeDescription description, string? facadeClient)
        {
            if (string.IsNullOrWhiteSpace(facadeClient))
            {
                return null;
            }

            return new FacadePlanner(spec, plan, description).Run(facadeClient!.Trim());
        }

        private FacadePlan Run(string facadeClient)
        {
            _diagnostics.AddRange(_description.Diagnostics);
            var lastDot = facadeClient.LastIndexOf('.');
            var ns = lastDot > 0 ? facadeClient.Substring(0, lastDot) : GeneratedNamespaces.Facade;
            var root = new FacadeClientPlan(ns, lastDot > 0 ? facadeClient.Substring(lastDot + 1) : facadeClient, null, "");

            var clients = new Dictionary<string, FacadeClientPlan>(StringComparer.Ordinal) { [RootKey] = root };
            var clientOfTag = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var c in _description.Clients)
            {
                clients[c.Key] = new FacadeClientPlan(ns, c.ClassName, c.Property, c.Summary);
                foreach (var tag in c.Tags)
                {
                    clientOfTag[tag] = c.Key;
                }
            }

            var operations = _spec.Operations.GroupBy(o => o.OperationId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            var skips = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var s in _description.Skips)
            {
                if (!operations.ContainsKey(s.OperationId))
                {
                    Absent(s.Position, "skip names operation '" + s.OperationId + "', which the spec does not have");
                    continue;
                }

                skips[s.OperationId] = s.Reason;
            }

            var skippedTags = _description.SkippedTags.ToDictionary(t => t.Field, t => t.Text, StringComparer.Ordinal);
            var names = clients.Keys.ToDictionary(k => k, _ => new HashSet<string>(ReservedMembers, StringComparer.Ordinal), StringComparer.Ordinal);
            foreach (var c in _description.Clients)
            {
                names[RootKey].Add(c.Property);
            }

            var methods = new List<(string Client, string Area, FacadeMethodPlan Method)>();
            var described = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entry in _description.Methods)
            {
                if (!operations.TryGetValue(entry.OperationId, out var op))
                {
                    Absent(entry.Position, "method " + entry.Name + " names operation '" + entry.OperationId + "', which the spec does not have");
                    continue;
                }

                var clientKey = entry.Client ?? RootKey;
                if (!clients.ContainsKey(clientKey))
                {
                    Error(DiagnosticDescriptors.FacadeUnknownFieldId, entry.Position, "method " + entry.Name + " names client '" + clientKey + "', which the description's clients section does not define");
                    continue;
                }

                described.Add(entry.OperationId);
                if (skips.ContainsKey(entry.OperationId))
                {
                    Error(DiagnosticDescriptors.FacadeUnknownFieldId, entry.Position, "operation '" + entry.OperationId + "' is both skipped and described");
                    continue;
                }

                var method = PlanMethod(op, entry);
                if (method != null && Claim(names[clientKey], method.Name, entry.Position))
                {
                    methods.Add((clientKey, op.Tag ?? "default", method));
                }
            }

            var skipped = new List<FacadeSkipPlan>();
            foreach (var op in _spec.Operations)
            {
                if (described.Contains(op.OperationId))
                {
                    continue;
                }

                if (skips.TryGetValue(op.OperationId, out var reason) || (op.Tag != null && skippedTags.TryGetValue(op.Tag, out reason)))
                {
                    skipped.Add(new FacadeSkipPlan(op.OperationId, reason));
                    continue;
                }

                if (op.Path.StartsWith("/ajax-api/", StringComparison.Ordinal))
                {
                    skipped.Add(new FacadeSkipPlan(op.OperationId, "a route of MLflow's web UI (/ajax-api): reachable through the Kiota-level client"));
                    continue;
                }

                var clientKey = op.Tag != null && clientOfTag.TryGetValue(op.Tag, out var k) ? k : RootKey;
                var position = new SourcePosition(_spec.FilePath, op.Pointer, Math.Max(op.Position.Line, 1), Math.Max(op.Position.Column, 1));
                var method = PlanMethod(op, Fallback(op, position));
                if (method == null)
                {
                    skipped.Add(new FacadeSkipPlan(op.OperationId, "no Kiota request builder or a body that cannot be expressed as parameters (see the generator's diagnostics)"));
                    continue;
                }

                _diagnostics.Add(new DiagnosticInfo(
                    DiagnosticDescriptors.FacadeUndescribedId,
                    DiagnosticLevel.Info,
                    _spec.FilePath,
                    op.Pointer,
                    "operation '" + op.OperationId + "' has no facade description entry; it gets " + clients[clientKey].ClassName + "." + method.Name + "Async by the fallback rules (add an entry to spec/facade to review its signature)",
                    1,
                    1));
                if (Claim(names[clientKey], method.Name, position))
                {
                    methods.Add((clientKey, op.Tag ?? "default", method));
                }
            }

            var files = methods
                .GroupBy(m => (m.Client, m.Area))
                .OrderBy(g => g.Key.Client, StringComparer.Ordinal)
                .ThenBy(g => g.Key.Area, StringComparer.Ordinal)
                .Select(g => new FacadeFilePlan(clients[g.Key.Client], g.Key.Area, g.Select(x => x.Method).ToEquatableArray()))
                .ToEquatableArray();
            var catalog = methods
                .Select(m => new FacadeCatalogEntry(m.Method.OperationId, clients[m.Client].ClassName, m.Method.Name + "Async", m.Method.Described))
                .OrderBy(e => e.OperationId, StringComparer.Ordinal)
                .ThenBy(e => e.Method, StringComparer.Ordinal)
                .ToEquatableArray();
            var subClients = _description.Clients.Select(c => clients[c.Key]).ToEquatableArray();
            var support = new FacadeSupportPlan(root, subClients, _spec.Operations.Count, catalog, skipped.OrderBy(s => s.OperationId, StringComparer.Ordinal).ToEquatableArray());
            return new FacadePlan(support, files, _diagnostics.ToEquatableArray());
        }

        private bool Claim(HashSet<string> taken, string name, SourcePosition position)
        {
            if (taken.Add(name + "Async"))
            {
                return true;
            }

            Error(DiagnosticDescriptors.FacadeDuplicateId, position, "the method name " + name + "Async is already taken on this client");
            return false;
        }

        // ------------------------------------------------------------------------------------------ fallback rules

        /// <summary>
        /// The entry an undescribed operation gets: named after its operationId; path parameters, then the required
        /// query and body fields, then the optional ones (deprecated ones last), in spec order; returns the single
        /// field of a one-field answer, the whole answer otherwise.
        /// </summary>
        private FacadeMethodEntry Fallback(OperationSpec op, SourcePosition position)
        {
            var inputs = _owners.TryGetValue(op.OperationId, out var owner) ? Inputs(op, owner.Operation) : new List<Input>();
            var ordered = inputs.Where(i => !i.Bound && i.Required)
                .Concat(inputs.Where(i => !i.Bound && !i.Required && !i.Deprecated))
                .Concat(inputs.Where(i => !i.Bound && !i.Required && i.Deprecated))
                .Select(i => new FacadeParameterEntry(i.Wire, null, !i.Required, FacadeConversion.None, FacadeDefaultKind.None, null, null, position))
                .ToEquatableArray();
            string? returns = null;
            if (owner.Operation != null)
            {
                var response = owner.Operation.Response;
                switch (response.Kind)
                {
                    case ResponseKind.Model:
                        if (_models.TryGetValue(response.Type!.Schema!, out var model) && model.Properties.Count > 0)
                        {
                            returns = model.Properties.Count == 1 ? model.Properties[0].WireName : "*";
                        }

                        break;
                    case ResponseKind.Collection:
                    case ResponseKind.Untyped:
                    case ResponseKind.Stream:
                        returns = "$body";
                        break;
                }
            }

            return new FacadeMethodEntry(op.OperationId, Identifiers.Pascal(op.OperationId), null, ordered, EquatableArray<string>.Empty, returns, NotFoundBehavior.Throw, null, null, null, position);
        }

        // ------------------------------------------------------------------------------------------ methods

        /// <summary>A wire input of an operation.</summary>
        private sealed class Input
        {
            public string Wire = "";
            public FacadeTarget Target;
            public TypeUse Type = new TypeUse(UseKind.Any);
            public bool Required;
            public bool Deprecated;
            public bool Bound;
            public string Member = "";
            public Presence MemberPresence;
            public string? SpecDoc;
        }

        private List<Input> Inputs(OperationSpec op, OperationPlan operation)
        {
            var inputs = new List<Input>();
            foreach (var p in operation.PathParameters)
            {
                var spec = op.Parameters.FirstOrDefault(x => x.In == "path" && x.Name == p.SpecName);
                inputs.Add(new Input { Wire = p.SpecName, Target = FacadeTarget.Path, Type = new TypeUse(UseKind.String), Required = true, Member = p.TemplateVariable, SpecDoc = spec?.Description });
            }

            foreach (var q in operation.Query)
            {
                var spec = op.Parameters.FirstOrDefault(x => x.In == "query" && x.Name == q.WireName);
                inputs.Add(new Input { Wire = q.WireName, Target = FacadeTarget.Query, Type = q.Type, Required = spec != null && spec.Required, Deprecated = q.Deprecated, Member = q.CsName, MemberPresence = Presence.Optional, SpecDoc = spec?.Description ?? q.Description });
            }

            foreach (var h in op.Parameters.Where(x => x.In == "header"))
            {
                inputs.Add(new Input { Wire = h.Name, Target = FacadeTarget.Header, Type = new TypeUse(UseKind.String), Required = h.Required, Deprecated = h.Deprecated, Member = h.Name, SpecDoc = h.Description });
            }

            var body = operation.Body;
            if (body == null)
            {
                return inputs;
            }

            if (body.Kind == BodyKind.Stream)
            {
                inputs.Add(new Input { Wire = "$body", Target = FacadeTarget.StreamBody, Type = new TypeUse(UseKind.Stream), Required = true, SpecDoc = "The bytes to upload." });
            }
            else if (body.Type.Kind == UseKind.Model && _models.TryGetValue(body.Type.Schema!, out var bodyModel))
            {
                _schemas.TryGetValue(bodyModel.ClassName, out var bodySchema);
                var pathNames = new HashSet<string>(operation.PathParameters.Select(p => p.SpecName), StringComparer.Ordinal);
                foreach (var property in bodyModel.Properties)
                {
                    var spec = bodySchema?.Properties.FirstOrDefault(x => x.Name == property.WireName);
                    inputs.Add(new Input
                    {
                        Wire = property.WireName,
                        Target = FacadeTarget.BodyField,
                        Type = property.Type,
                        Required = spec != null && spec.Required,
                        Deprecated = property.Deprecated,
                        // Fields bound to the path stay in the body (some handlers read them there): filled from the path value.
                        Bound = pathNames.Contains(property.WireName),
                        Member = property.CsName,
                        MemberPresence = property.Presence,
                        SpecDoc = property.Description,
                    });
                }
            }
            else if (body.Type.Kind == UseKind.Array || body.Type.Kind == UseKind.Any)
            {
                inputs.Add(new Input { Wire = "$body", Target = FacadeTarget.WholeBody, Type = body.Type, Required = body.Required || body.Type.Kind == UseKind.Array, SpecDoc = body.Type.Kind == UseKind.Array ? "The items to send." : "The request body (any JSON)." });
            }
            else
            {
                return null!;
            }

            return inputs;
        }

        private FacadeMethodPlan? PlanMethod(OperationSpec op, FacadeMethodEntry entry)
        {
            if (!_owners.TryGetValue(op.OperationId, out var owner))
            {
                return null;
            }

            var operation = owner.Operation;
            var inputs = Inputs(op, operation);
            if (inputs == null)
            {
                return null;
            }

            _docs.TryGetValue(op.OperationId, out var docs);
            var paging = Paging(op, operation, entry);
            // A name can be both a query parameter and a body field (handlers that read either): one parameter fills both.
            var byWire = new Dictionary<string, Input>(StringComparer.Ordinal);
            var twins = new Dictionary<string, List<Input>>(StringComparer.Ordinal);
            foreach (var input in inputs.Where(i => !i.Bound))
            {
                if (byWire.TryGetValue(input.Wire, out var first))
                {
                    if (!twins.TryGetValue(input.Wire, out var list))
                    {
                        twins[input.Wire] = list = new List<Input>();
                    }

                    list.Add(input);
                    first.Required |= input.Required;
                    continue;
                }

                byWire[input.Wire] = input;
            }
            var used = new HashSet<string>(StringComparer.Ordinal);
            var taken = new HashSet<string>(StringComparer.Ordinal) { "cancellationToken" };
            var parameters = new List<FacadeParameterPlan>();

            foreach (var p in entry.Parameters)
            {
                if (!byWire.TryGetValue(p.Field, out var input))
                {
                    Absent(p.Position, "method " + entry.Name + ": operation '" + op.OperationId + "' has no field '" + p.Field + "'");
                    continue;
                }

                if (!used.Add(p.Field))
                {
                    Error(DiagnosticDescriptors.FacadeUnknownFieldId, p.Position, "method " + entry.Name + " lists field '" + p.Field + "' twice");
                    continue;
                }

                var planned = PlanParameter(op, entry, input, p, paging, docs, taken);
                if (planned != null)
                {
                    parameters.Add(planned);
                    AddTwins(parameters, planned, twins);
                }
            }

            foreach (var hidden in entry.Hidden)
            {
                if (!byWire.ContainsKey(hidden))
                {
                    Absent(entry.Position, "method " + entry.Name + " hides field '" + hidden + "', which operation '" + op.OperationId + "' does not have");
                }
                else if (!used.Add(hidden))
                {
                    Error(DiagnosticDescriptors.FacadeUnknownFieldId, entry.Position, "method " + entry.Name + " both lists and hides field '" + hidden + "'");
                }
            }

            foreach (var input in inputs)
            {
                if (input.Bound)
                {
                    var path = inputs.First(i => i.Target == FacadeTarget.Path && i.Wire == input.Wire);
                    var pathParameter = parameters.FirstOrDefault(x => x.Target == FacadeTarget.Path && x.WireName == input.Wire);
                    if (pathParameter != null)
                    {
                        parameters.Add(new FacadeParameterPlan(pathParameter.CsName, input.Type, true, false, FacadeTarget.BodyField, input.Wire, input.Member, input.MemberPresence, FacadeConversion.None, FacadeDefaultKind.None, null, null, FacadePagingRole.None, FacadeCheck.None, ""));
                    }

                    continue;
                }

                if (used.Contains(input.Wire) || (twins.TryGetValue(input.Wire, out var twinList) && twinList.Contains(input)))
                {
                    continue;
                }

                if (paging != null && (IsRole(op, input.Wire, "tokenParameter") || IsRole(op, input.Wire, "maxResultsParameter")))
                {
                    // Filled page by page by the pager even when the method does not show them.
                    var role = IsRole(op, input.Wire, "tokenParameter") ? FacadePagingRole.PageToken : FacadePagingRole.PageSize;
                    parameters.Add(new FacadeParameterPlan("_", input.Type, false, false, input.Target, input.Wire, input.Member, input.MemberPresence, FacadeConversion.None, FacadeDefaultKind.None, null, null, role, FacadeCheck.None, ""));
                    continue;
                }

                if (input.Required && entry.Position.FilePath != _spec.FilePath)
                {
                    Error(DiagnosticDescriptors.FacadeUnknownFieldId, entry.Position, "method " + entry.Name + " neither lists nor hides the required field '" + input.Wire + "' of operation '" + op.OperationId + "'");
                    continue;
                }

                if (entry.Position.FilePath != _spec.FilePath)
                {
                    _diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.FacadeAppendedFieldId, DiagnosticLevel.Info, entry.Position.FilePath, entry.Position.Pointer,
                        "method " + entry.Name + ": field '" + input.Wire + "' of operation '" + op.OperationId + "' is not described; appended as an optional parameter", entry.Position.Line, entry.Position.Column));
                }

                var appended = PlanParameter(op, entry, input, new FacadeParameterEntry(input.Wire, null, true, FacadeConversion.None, FacadeDefaultKind.None, null, null, entry.Position), paging, docs, taken);
                if (appended != null)
                {
                    parameters.Add(appended);
                    AddTwins(parameters, appended, twins);
                }
            }

            var result = PlanResult(op, operation, entry, paging);
            if (result == null)
            {
                return null;
            }

            var summary = Clean(entry.Summary ?? docs?.Summary ?? op.Summary ?? op.Description ?? op.OperationId);
            var returnsDoc = Clean(entry.ReturnsDoc ?? docs?.Returns ?? "");
            return new FacadeMethodPlan(
                entry.Name,
                op.OperationId,
                op.Method.ToUpperInvariant(),
                op.Path,
                op.MlflowExtensions.Since,
                op.Deprecated,
                summary,
                returnsDoc,
                owner.Builder.Ref,
                owner.Builder.IsRoot,
                operation.MethodName + "Async",
                operation.Body?.Kind == BodyKind.Json ? operation.Body.Type : null,
                parameters.ToEquatableArray(),
                result,
                paging,
                entry.NotFound,
                entry.Position.FilePath != _spec.FilePath);
        }

        /// <summary>Fills the other inputs of the same name (query and body) from the same parameter.</summary>
        private static void AddTwins(List<FacadeParameterPlan> parameters, FacadeParameterPlan planned, Dictionary<string, List<Input>> twins)
        {
            if (!twins.TryGetValue(planned.WireName, out var list))
            {
                return;
            }

            foreach (var twin in list)
            {
                parameters.Add(planned with { Visible = false, Target = twin.Target, Member = twin.Member, MemberPresence = twin.MemberPresence, Type = twin.Type, Role = FacadePagingRole.None, Check = FacadeCheck.None });
            }
        }

        private FacadeParameterPlan? PlanParameter(OperationSpec op, FacadeMethodEntry entry, Input input, FacadeParameterEntry p, FacadePagingPlan? paging, FacadeOperationDoc? docs, HashSet<string> taken)
        {
            var name = Identifiers.Unique(p.Name ?? (input.Wire == "$body" ? (input.Target == FacadeTarget.StreamBody ? "content" : "body") : Identifiers.Camel(input.Wire)), taken);
            var role = FacadePagingRole.None;
            if (paging != null && IsRole(op, input.Wire, "tokenParameter"))
            {
                role = FacadePagingRole.PageToken;
            }
            else if (paging != null && IsRole(op, input.Wire, "maxResultsParameter"))
            {
                role = FacadePagingRole.PageSize;
            }

            if (p.Conversion == FacadeConversion.Dictionary && !IsTagList(input.Type))
            {
                Error(DiagnosticDescriptors.FacadeUnknownFieldId, p.Position, "method " + entry.Name + ": field '" + input.Wire + "' is not a list of {key, value} string messages, so it cannot be taken as a dictionary");
                return null;
            }

            string? defaultMember = null;
            if (p.Default == FacadeDefaultKind.NowMillis && input.Type.Kind != UseKind.Int64)
            {
                Error(DiagnosticDescriptors.FacadeUnknownFieldId, p.Position, "method " + entry.Name + ": the $now default needs an int64 field (epoch milliseconds); '" + input.Wire + "' is not one");
                return null;
            }

            if (p.Default == FacadeDefaultKind.Constant)
            {
                if (!DefaultFits(input.Type, p.DefaultJson!, out defaultMember))
                {
                    Error(DiagnosticDescriptors.FacadeUnknownFieldId, p.Position, "method " + entry.Name + ": the default " + p.DefaultJson + " does not fit field '" + input.Wire + "'");
                    return null;
                }
            }

            var check = FacadeCheck.None;
            if (!p.Optional)
            {
                var idLike = input.Target == FacadeTarget.Path || input.Wire.EndsWith("_id", StringComparison.Ordinal) || input.Wire == "name" || input.Wire == "key";
                check = input.Type.Kind == UseKind.String ? (idLike ? FacadeCheck.NotNullOrEmpty : FacadeCheck.NotNull) : IsReference(input.Type) ? FacadeCheck.NotNull : FacadeCheck.None;
            }

            if (p.AndClause != null && input.Type.Kind != UseKind.String)
            {
                Error(DiagnosticDescriptors.FacadeUnknownFieldId, p.Position, "method " + entry.Name + ": 'and' needs a string (filter) field; '" + input.Wire + "' is not one");
                return null;
            }

            var doc = ParameterDoc(op, input, p, docs, role);
            if (p.AndClause != null)
            {
                doc += " The client adds `" + p.AndClause + "` to it, as MLflow's Python client does.";
            }

            return new FacadeParameterPlan(name, input.Type, !p.Optional, true, input.Target, input.Wire, input.Member, input.MemberPresence, p.Conversion, p.Default, p.DefaultJson, defaultMember, role, check, doc, p.AndClause);
        }

        private string ParameterDoc(OperationSpec op, Input input, FacadeParameterEntry p, FacadeOperationDoc? docs, FacadePagingRole role)
        {
            var text = p.Doc
                ?? docs?.Parameters.FirstOrDefault(d => d.Field == input.Wire)?.Text
                ?? (_glossary.TryGetValue(input.Wire, out var g) ? g.Text : null)
                ?? input.SpecDoc;
            if (string.IsNullOrWhiteSpace(text))
            {
                text = "The " + input.Wire + " " + (input.Target == FacadeTarget.Path ? "path parameter" : input.Target == FacadeTarget.Query ? "query parameter" : input.Target == FacadeTarget.Header ? "header" : "field") + ".";
            }

            text = Clean(text!);
            switch (role)
            {
                case FacadePagingRole.PageToken:
                    text += " Here: the page to start from (null: the first page); the sequence follows the next tokens itself.";
                    break;
                case FacadePagingRole.PageSize:
                    text += " Here: the total number of items the sequence yields (null: all of them), requested as the page size as MLflow's Python client does; AsPages(pageSizeHint) sets the page size separately.";
                    break;
            }

            if (p.Default == FacadeDefaultKind.NowMillis && text.IndexOf("now", StringComparison.OrdinalIgnoreCase) < 0)
            {
                text += " When left out, the client sends the current time (milliseconds since the Unix epoch).";
            }

            return text;
        }

        private static string Clean(string text) => text.Replace("\r", " ").Replace("\n", " ").Trim();

        private bool IsTagList(TypeUse type)
        {
            if (type.Kind != UseKind.Array || type.Item?.Kind != UseKind.Model || !_models.TryGetValue(type.Item.Schema!, out var m))
            {
                return false;
            }

            return m.Properties.Any(x => x.WireName == "key" && x.Type.Kind == UseKind.String)
                && m.Properties.Any(x => x.WireName == "value" && x.Type.Kind == UseKind.String);
        }

        private static bool IsReference(TypeUse t) =>
            t.Kind == UseKind.String || t.Kind == UseKind.Model || t.Kind == UseKind.Array || t.Kind == UseKind.Map || t.Kind == UseKind.Stream || t.Kind == UseKind.Bytes || t.Kind == UseKind.Any;

        private bool DefaultFits(TypeUse type, string json, out string? enumMember)
        {
            enumMember = null;
            JsonNode value;
            try
            {
                value = JsonReader.Parse(json);
            }
            catch (JsonReadException)
            {
                return false;
            }

            switch (type.Kind)
            {
                case UseKind.String: return value is JsonString;
                case UseKind.Boolean: return value is JsonBool;
                case UseKind.Int32: return value is JsonNumber n32 && int.TryParse(n32.Raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out _);
                case UseKind.Int64: return value is JsonNumber n64 && long.TryParse(n64.Raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out _);
                case UseKind.Double: return value is JsonNumber nd && double.TryParse(nd.Raw, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
                case UseKind.Enum:
                    if (value is JsonString s && _enums.TryGetValue(type.Schema!, out var e))
                    {
                        enumMember = e.Members.FirstOrDefault(m => m.WireName == s.Value)?.CsName;
                        return enumMember != null;
                    }

                    return false;
                default: return false;
            }
        }

        private static bool IsRole(OperationSpec op, string wire, string role)
        {
            var paging = op.MlflowExtensions.Pagination;
            switch (role)
            {
                case "tokenParameter": return paging?.TokenParameter == wire;
                case "nextTokenField": return paging?.NextTokenField == wire;
                case "itemsField": return paging?.ItemsField == wire;
                case "maxResultsParameter": return paging?.MaxResultsParameter == wire;
                default: return false;
            }
        }

        private FacadePagingPlan? Paging(OperationSpec op, OperationPlan operation, FacadeMethodEntry entry)
        {
            var paging = op.MlflowExtensions.Pagination;
            if (paging == null || operation.Response.Kind != ResponseKind.Model || !_models.TryGetValue(operation.Response.Type!.Schema!, out var pageModel))
            {
                return null;
            }

            var items = pageModel.Properties.FirstOrDefault(p => p.WireName == paging.ItemsField);
            var next = pageModel.Properties.FirstOrDefault(p => p.WireName == paging.NextTokenField);
            if (items == null || items.Type.Kind != UseKind.Array || next == null)
            {
                return null;
            }

            return new FacadePagingPlan(items.Type.Item!, items.CsName, next.CsName, entry.PageSize);
        }

        private FacadeResultPlan? PlanResult(OperationSpec op, OperationPlan operation, FacadeMethodEntry entry, FacadePagingPlan? paging)
        {
            if (paging != null)
            {
                return new FacadeResultPlan(FacadeResultKind.Paged, paging.ItemType, null, null, Presence.Collection);
            }

            var response = operation.Response;
            var returns = entry.Returns;
            if (returns == null)
            {
                return new FacadeResultPlan(FacadeResultKind.None, null, null, null, Presence.Optional);
            }

            switch (response.Kind)
            {
                case ResponseKind.Model:
                    if (!_models.TryGetValue(response.Type!.Schema!, out var model))
                    {
                        break;
                    }

                    if (returns == "*")
                    {
                        return new FacadeResultPlan(FacadeResultKind.Whole, response.Type, null, null, Presence.Required);
                    }

                    var field = model.Properties.FirstOrDefault(p => p.WireName == returns);
                    if (field != null)
                    {
                        return new FacadeResultPlan(FacadeResultKind.Field, field.Type, field.CsName, field.WireName, field.Presence);
                    }

                    break;
                case ResponseKind.Collection when returns == "$body":
                    return new FacadeResultPlan(FacadeResultKind.Collection, response.Type, null, null, Presence.Collection);
                case ResponseKind.Untyped when returns == "$body":
                    return new FacadeResultPlan(FacadeResultKind.Untyped, new TypeUse(UseKind.Any), null, null, Presence.Optional);
                case ResponseKind.Stream when returns == "$body":
                    return new FacadeResultPlan(FacadeResultKind.Stream, new TypeUse(UseKind.Stream), null, null, Presence.Required);
                case ResponseKind.Stream when returns == "$text":
                    return new FacadeResultPlan(FacadeResultKind.Text, new TypeUse(UseKind.String), null, null, Presence.Required);
            }

            Absent(entry.Position, "method " + entry.Name + " returns '" + returns + "', which the answer of operation '" + op.OperationId + "' does not have");
            return new FacadeResultPlan(FacadeResultKind.None, null, null, null, Presence.Optional);
        }

        // ------------------------------------------------------------------------------------------ helpers

        /// <summary>An entry names something the spec lacks: an error, or an info when the spec is older than the description.</summary>
        private void Absent(SourcePosition position, string message)
        {
            if (_olderSpec)
            {
                _diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.FacadeAbsentInSpecId, DiagnosticLevel.Info, position.FilePath, position.Pointer,
                    message + "; skipped (the spec describes MLflow " + _spec.Version + ", the description was reviewed against " + _description.ReviewedAgainst + ")", position.Line, position.Column));
                return;
            }

            Error(message.Contains(" names operation ") ? DiagnosticDescriptors.FacadeUnknownOperationId : DiagnosticDescriptors.FacadeUnknownFieldId, position, message);
        }

        private void Error(string id, SourcePosition position, string message) =>
            _diagnostics.Add(new DiagnosticInfo(id, DiagnosticLevel.Error, position.FilePath, position.Pointer, message, position.Line, position.Column));

        /// <summary>Compares dotted versions numerically (3.9 &lt; 3.11); non-numeric parts compare as 0.</summary>
        internal static int CompareVersions(string a, string b)
        {
            var x = a.Split('.');
            var y = b.Split('.');
            for (var i = 0; i < Math.Max(x.Length, y.Length); i++)
            {
                var xi = i < x.Length && int.TryParse(x[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out var xv) ? xv : 0;
                var yi = i < y.Length && int.TryParse(y[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out var yv) ? yv : 0;
                if (xi != yi)
                {
                    return xi.CompareTo(yi);
                }
            }

            return 0;
        }
    }
}
