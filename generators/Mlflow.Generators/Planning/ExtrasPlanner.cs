using System;
using System.Collections.Generic;
using System.Linq;
using Mlflow.Generators.Emit;
using Mlflow.Generators.Helpers;
using Mlflow.Generators.Json;
using Mlflow.Generators.Model;
using TypeCode = Mlflow.Generators.Emit.TypeCode;

namespace Mlflow.Generators.Planning
{
    /// <summary>
    /// Derives the plans of the webhook payload union, the example factories and the facade from the parsed spec
    /// (<see cref="SpecDocument"/>: required flags, examples, webhooks, tags, <c>x-mlflow-pagination</c>) and the
    /// Kiota plan (<see cref="ClientPlan"/>: the names of the models, properties and request builders the facade calls).
    /// </summary>
    internal static class ExtrasPlanner
    {
        /// <summary>
        /// Facade names that follow the Python <c>MlflowClient</c> vocabulary instead of the operationId. The V3 trace
        /// RPCs are what the Python client calls today, so they take the plain names and their V2 ancestors a V2 suffix.
        /// </summary>
        private static readonly Dictionary<string, string> Renames = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["updateExperiment"] = "RenameExperiment",
            ["LogLoggedModelParams"] = "LogModelParams",
            ["linkPromptsToTrace"] = "LinkPromptVersionsToTrace",
            // Temporary (tracing): hand-written in src/Mlflow.Client/Traces/ with the Python client's signatures.
            ["searchTracesV3"] = "SearchTracesRaw",
            ["getTrace"] = "GetTraceRaw",
            ["linkTracesToRun"] = "LinkTracesToRunRaw",
            ["searchTraces"] = "SearchTracesV2",
            ["startTraceV3"] = "StartTrace",
            ["startTrace"] = "StartTraceV2",
            ["deleteTracesV3"] = "DeleteTracesRaw",
            ["deleteTraces"] = "DeleteTracesV2",
            ["setTraceTagV3"] = "SetTraceTagRaw",
            ["setTraceTag"] = "SetTraceTagV2",
            ["deleteTraceTagV3"] = "DeleteTraceTagRaw",
            ["deleteTraceTag"] = "DeleteTraceTagV2",
            ["getTraceInfoV3"] = "GetTraceInfo",
            ["getTraceInfo"] = "GetTraceInfoV2",
        };

        /// <summary>
        /// Page sizes sent when the caller gives none. Hand-written because the spec cannot say it: MLflow's
        /// get-history handler returns the whole history and ignores page_token when max_results is absent, so a
        /// token-following loop without it would never end. 25000 is MLflow's GET_METRIC_HISTORY_MAX_RESULTS.
        /// </summary>
        private static readonly Dictionary<string, string> DefaultPageSizes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["getMetricHistory"] = "25000",
        };

        // ------------------------------------------------------------------------------------------ examples

        public static EquatableArray<ExamplePlan> Examples(SpecDocument doc, ClientPlan plan)
        {
            var models = plan.Models.ToDictionary(m => FullName(m), StringComparer.Ordinal);
            var byClass = plan.Models.GroupBy(m => m.ClassName, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            var enums = plan.Enums.ToDictionary(e => "global::" + e.Namespace + "." + e.Name, StringComparer.Ordinal);
            var result = new List<ExamplePlan>();
            foreach (var schema in doc.Schemas)
            {
                if (schema.Kind != SchemaKind.Object || schema.ExampleJson == null || !byClass.TryGetValue(schema.Name, out var model))
                {
                    continue;
                }

                var relatedModels = new SortedDictionary<string, ModelPlan>(StringComparer.Ordinal);
                var relatedEnums = new SortedDictionary<string, EnumPlan>(StringComparer.Ordinal);
                Collect(model, models, enums, relatedModels, relatedEnums);
                result.Add(new ExamplePlan(schema.Name, schema.ExampleJson, model, relatedModels.Values.ToEquatableArray(), relatedEnums.Values.ToEquatableArray()));
            }

            return result.ToEquatableArray();
        }

        private static void Collect(ModelPlan model, Dictionary<string, ModelPlan> models, Dictionary<string, EnumPlan> enums, SortedDictionary<string, ModelPlan> relatedModels, SortedDictionary<string, EnumPlan> relatedEnums)
        {
            if (relatedModels.ContainsKey(FullName(model)))
            {
                return;
            }

            relatedModels[FullName(model)] = model;
            foreach (var property in model.Properties)
            {
                var type = property.Type;
                while (type.Item != null)
                {
                    type = type.Item;
                }

                if (type.Kind == UseKind.Model && models.TryGetValue(type.Name!, out var nested))
                {
                    Collect(nested, models, enums, relatedModels, relatedEnums);
                }
                else if (type.Kind == UseKind.Enum && enums.TryGetValue(type.Name!, out var e))
                {
                    relatedEnums[type.Name!] = e;
                }
            }
        }

        private static string FullName(ModelPlan m) => "global::" + m.Namespace + "." + m.ClassName;

        // ------------------------------------------------------------------------------------------ union

        public static UnionPlan? Union(SpecDocument doc, ClientPlan plan, string unionNamespace)
        {
            if (doc.Webhooks.Count == 0)
            {
                return null;
            }

            var schemas = doc.Schemas.GroupBy(s => s.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            var models = plan.Models.GroupBy(m => m.ClassName, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            var cases = new List<WebhookCasePlan>();
            var taken = new HashSet<string>(StringComparer.Ordinal) { "Event", "Timestamp", "Workspace", "Match", "Switch", "Parse", "TryParse", "TypeFor", "ExampleFor", "ToJson", "DataModel", "All" };
            foreach (var hook in doc.Webhooks)
            {
                var op = hook.Operation;
                var dot = hook.Key.IndexOf('.');
                var entity = StringExtension(op, "x-mlflow-entity") ?? (dot > 0 ? hook.Key.Substring(0, dot) : hook.Key);
                var action = StringExtension(op, "x-mlflow-action") ?? (dot > 0 ? hook.Key.Substring(dot + 1) : "");
                var envelope = op.RequestBody?.Content.FirstOrDefault(c => c.MediaType.StartsWith("application/json", StringComparison.Ordinal))?.Type;
                if (envelope?.Kind != TypeKind.Ref || !schemas.TryGetValue(envelope.RefName!, out var envelopeSchema))
                {
                    continue;
                }

                var data = envelopeSchema.Properties.FirstOrDefault(p => p.Name == "data")?.Type;
                if (data?.Kind != TypeKind.Ref || !schemas.TryGetValue(data.RefName!, out var payload) || !models.TryGetValue(payload.Name, out var model))
                {
                    continue;
                }

                var caseName = Identifiers.Unique(Identifiers.Pascal(entity) + Identifiers.Pascal(action), taken);
                cases.Add(new WebhookCasePlan(
                    entity,
                    action,
                    caseName,
                    FullName(model),
                    op.Summary,
                    payload.ExampleJson != null,
                    payload.Properties.Where(p => p.Required).Select(p => p.Name).ToEquatableArray()));
            }

            return cases.Count == 0 ? null : new UnionPlan(unionNamespace, cases.ToEquatableArray());
        }

        private static string? StringExtension(OperationSpec op, string name)
        {
            var json = op.Extension(name);
            if (json == null)
            {
                return null;
            }

            try
            {
                return (JsonReader.Parse(json) as JsonString)?.Value;
            }
            catch (JsonReadException)
            {
                return null;
            }
        }

        // ------------------------------------------------------------------------------------------ facade

        public static FacadePlan? Facade(SpecDocument doc, ClientPlan plan, string? facadeClient)
        {
            if (string.IsNullOrWhiteSpace(facadeClient))
            {
                return null;
            }

            var full = facadeClient!.Trim();
            var lastDot = full.LastIndexOf('.');
            var ns = lastDot > 0 ? full.Substring(0, lastDot) : plan.RootNamespace;
            var className = lastDot > 0 ? full.Substring(lastDot + 1) : full;

            var schemas = doc.Schemas.GroupBy(s => s.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            var models = plan.Models.ToDictionary(m => FullName(m), StringComparer.Ordinal);
            var owners = new Dictionary<string, (BuilderPlan Builder, OperationPlan Operation)>(StringComparer.Ordinal);
            foreach (var builder in plan.Builders.Concat(new[] { plan.Root.Builder }))
            {
                foreach (var operation in builder.Operations)
                {
                    owners[operation.OperationId] = (builder, operation);
                }
            }

            var postPaths = new HashSet<string>(doc.Operations.Where(o => o.Method.Equals("post", StringComparison.OrdinalIgnoreCase)).Select(o => o.Path), StringComparer.Ordinal);
            var names = new HashSet<string>(StringComparer.Ordinal) { "Dispose", "Settings", "RequestAdapter", "FromEnvironment", "Equals", "GetHashCode", "ToString", "GetType" };
            var methods = new List<FacadeMethodPlan>();
            var skipped = new List<FacadeSkipPlan>();
            foreach (var op in doc.Operations)
            {
                if (string.Equals(op.Tag, "deployments", StringComparison.Ordinal))
                {
                    skipped.Add(new FacadeSkipPlan(op.OperationId, "MLflow Deployments server (a separate process): served by the Mlflow.Deployments package"));
                    continue;
                }

                if (op.Method.Equals("get", StringComparison.OrdinalIgnoreCase) && op.OperationId.EndsWith("Get", StringComparison.Ordinal) && postPaths.Contains(op.Path))
                {
                    skipped.Add(new FacadeSkipPlan(op.OperationId, "GET twin of the POST operation on the same path, which has the facade method"));
                    continue;
                }

                if (!owners.TryGetValue(op.OperationId, out var owner))
                {
                    skipped.Add(new FacadeSkipPlan(op.OperationId, "no Kiota request builder (see the generator's diagnostics)"));
                    continue;
                }

                var method = PlanMethod(op, owner.Builder, owner.Operation, schemas, models, names);
                if (method == null)
                {
                    skipped.Add(new FacadeSkipPlan(op.OperationId, "its request body cannot be expressed as method parameters"));
                    continue;
                }

                methods.Add(method);
            }

            var files = methods
                .GroupBy(m => doc.Operations.First(o => o.OperationId == m.OperationId).Tag ?? "default", StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new FacadeFilePlan(ns, className, g.Key, g.ToEquatableArray()))
                .ToEquatableArray();
            var methodCount = methods.Sum(m => m.Paging == null ? 1 : 2);
            var support = new FacadeSupportPlan(ns, className, doc.Operations.Count, methodCount, methods.Select(m => m.OperationId).ToEquatableArray(), skipped.ToEquatableArray());
            return new FacadePlan(support, files);
        }

        private static FacadeMethodPlan? PlanMethod(OperationSpec op, BuilderPlan builder, OperationPlan operation, Dictionary<string, SchemaSpec> schemas, Dictionary<string, ModelPlan> models, HashSet<string> names)
        {
            var taken = new HashSet<string>(StringComparer.Ordinal) { "cancellationToken" };
            var required = new List<FacadeParameterPlan>();
            var optional = new List<FacadeParameterPlan>();
            var pathNames = new Dictionary<string, string>(StringComparer.Ordinal);

            foreach (var p in operation.PathParameters)
            {
                var spec = op.Parameters.FirstOrDefault(x => x.In == "path" && x.Name == p.SpecName);
                var cs = Identifiers.Unique(Identifiers.Camel(p.SpecName), taken);
                pathNames[p.SpecName] = cs;
                required.Add(new FacadeParameterPlan(cs, "string", true, FacadeTarget.Path, p.SpecName, p.TemplateVariable, "", spec?.Description));
            }

            foreach (var q in operation.Query)
            {
                var spec = op.Parameters.FirstOrDefault(x => x.In == "query" && x.Name == q.WireName);
                var isRequired = spec != null && spec.Required;
                var cs = Identifiers.Unique(Identifiers.Camel(q.WireName), taken);
                string type;
                string conversion;
                if (q.Type.Kind == UseKind.Array)
                {
                    type = TypeCode.Generic + ".IEnumerable<" + TypeCode.CsType(q.Type.Item!) + ">";
                    conversion = "array";
                }
                else
                {
                    type = TypeCode.CsType(q.Type);
                    conversion = "";
                }

                (isRequired ? required : optional).Add(new FacadeParameterPlan(cs, isRequired ? type : type + "?", isRequired, FacadeTarget.Query, q.WireName, q.CsName, conversion, spec?.Description ?? q.Description));
            }

            foreach (var h in op.Parameters.Where(x => x.In == "header"))
            {
                var cs = Identifiers.Unique(Identifiers.Camel(h.Name), taken);
                (h.Required ? required : optional).Add(new FacadeParameterPlan(cs, h.Required ? "string" : "string?", h.Required, FacadeTarget.Header, h.Name, h.Name, "", h.Description));
            }

            string? bodyType = null;
            var bound = new List<FacadeParameterPlan>();
            if (operation.Body != null)
            {
                var body = operation.Body;
                if (body.Kind == BodyKind.Stream)
                {
                    var cs = Identifiers.Unique("content", taken);
                    required.Add(new FacadeParameterPlan(cs, "global::System.IO.Stream", true, FacadeTarget.Stream, "body", "", "", "The raw bytes to upload."));
                }
                else if (body.Type.Kind == UseKind.Model && models.TryGetValue(body.Type.Name!, out var bodyModel))
                {
                    bodyType = body.Type.Name;
                    schemas.TryGetValue(bodyModel.ClassName, out var bodySchema);
                    var deprecatedOptional = new List<FacadeParameterPlan>();
                    foreach (var property in bodyModel.Properties)
                    {
                        if (pathNames.TryGetValue(property.WireName, out var pathParameter))
                        {
                            // Fields bound to the path stay in the body (some handlers read them there): filled from the path value.
                            bound.Add(new FacadeParameterPlan(pathParameter, "string", true, FacadeTarget.BodyField, property.WireName, property.CsName, "bound", null));
                            continue;
                        }

                        var isRequired = bodySchema?.Properties.FirstOrDefault(x => x.Name == property.WireName)?.Required ?? false;
                        var cs = Identifiers.Unique(Identifiers.Camel(property.WireName), taken);
                        string type;
                        string conversion;
                        switch (property.Type.Kind)
                        {
                            case UseKind.Array:
                                type = TypeCode.Generic + ".IEnumerable<" + TypeCode.CsType(property.Type.Item!) + ">";
                                conversion = "list";
                                break;
                            case UseKind.Map:
                                type = TypeCode.Generic + ".IDictionary<string, " + TypeCode.CsType(property.Type.Item!) + ">";
                                conversion = "dict";
                                break;
                            default:
                                type = TypeCode.CsType(property.Type);
                                conversion = "";
                                break;
                        }

                        var parameter = new FacadeParameterPlan(cs, isRequired ? type : type + "?", isRequired, FacadeTarget.BodyField, property.WireName, property.CsName, conversion, property.Description);
                        (isRequired ? required : property.Deprecated ? deprecatedOptional : optional).Add(parameter);
                    }

                    optional.AddRange(deprecatedOptional);
                }
                else if (body.Type.Kind == UseKind.Array && body.Type.Item != null)
                {
                    var cs = Identifiers.Unique("items", taken);
                    bodyType = TypeCode.Generic + ".List<" + TypeCode.CsType(body.Type.Item) + ">";
                    required.Add(new FacadeParameterPlan(cs, TypeCode.Generic + ".IEnumerable<" + TypeCode.CsType(body.Type.Item) + ">", true, FacadeTarget.WholeBody, "body", "", "list", "The items to send."));
                }
                else if (body.Type.Kind == UseKind.Any)
                {
                    var cs = Identifiers.Unique("body", taken);
                    bodyType = TypeCode.Untyped;
                    var parameter = new FacadeParameterPlan(cs, body.Required ? TypeCode.Untyped : TypeCode.Untyped + "?", body.Required, FacadeTarget.WholeBody, "body", "", "", "The request body (any JSON).");
                    (body.Required ? required : optional).Add(parameter);
                }
                else
                {
                    return null;
                }
            }

            var result = PlanResult(operation, models);
            FacadePagingPlan? paging = null;
            var pagination = op.Extension("x-mlflow-pagination");
            if (pagination != null && operation.Response.Kind == ResponseKind.Model && models.TryGetValue(operation.Response.Type!.Name!, out var pageModel) && JsonReader.Parse(pagination) is JsonObject paging0)
            {
                var items = pageModel.Properties.FirstOrDefault(p => p.WireName == paging0.GetString("itemsField"));
                var next = pageModel.Properties.FirstOrDefault(p => p.WireName == paging0.GetString("nextTokenField"));
                var tokenWire = paging0.GetString("tokenParameter");
                var token = required.Concat(optional).FirstOrDefault(p => p.WireName == tokenWire && (p.Target == FacadeTarget.Query || p.Target == FacadeTarget.BodyField));
                var sizeWire = paging0.GetString("maxResultsParameter");
                var size = sizeWire == null ? null : required.Concat(optional).FirstOrDefault(p => p.WireName == sizeWire && (p.Target == FacadeTarget.Query || p.Target == FacadeTarget.BodyField));
                if (items != null && items.Type.Kind == UseKind.Array && next != null && token != null)
                {
                    // The token parameter is the page method's "pageToken", written last; the sequence method fills it.
                    optional.Remove(token);
                    required.Remove(token);
                    token = token with { CsName = "pageToken", CsType = "string?", Required = false };
                    DefaultPageSizes.TryGetValue(op.OperationId, out var defaultSize);
                    paging = new FacadePagingPlan(TypeCode.CsType(items.Type.Item!), items.CsName, next.CsName, "pageToken", size?.CsName, defaultSize);
                    optional.Add(token);
                }
            }

            var baseName = Renames.TryGetValue(op.OperationId, out var renamed) ? renamed : Identifiers.Pascal(op.OperationId);
            var name = Identifiers.Unique(baseName, names);
            if (paging != null)
            {
                names.Add(name + "Page");
            }

            return new FacadeMethodPlan(
                name,
                op.OperationId,
                op.Method.ToUpperInvariant(),
                op.Path,
                op.Summary ?? op.Description,
                op.Deprecated,
                builder.FullName,
                builder.IsRoot,
                operation.MethodName + "Async",
                bodyType,
                required.Concat(optional).Concat(bound).ToEquatableArray(),
                result,
                paging);
        }

        private static FacadeResultPlan PlanResult(OperationPlan operation, Dictionary<string, ModelPlan> models)
        {
            var response = operation.Response;
            switch (response.Kind)
            {
                case ResponseKind.Stream:
                    return new FacadeResultPlan(FacadeResultKind.Stream, "global::System.IO.Stream", null, null, "required", null);
                case ResponseKind.Untyped:
                    return new FacadeResultPlan(FacadeResultKind.Untyped, TypeCode.Untyped + "?", null, null, "nullable", null);
                case ResponseKind.Collection:
                    var element = TypeCode.CsType(response.Type!.Item!);
                    return new FacadeResultPlan(FacadeResultKind.Collection, TypeCode.Generic + ".List<" + element + ">", null, null, "empty-list", element);
                case ResponseKind.Model:
                    if (!models.TryGetValue(response.Type!.Name!, out var model))
                    {
                        return new FacadeResultPlan(FacadeResultKind.Whole, response.Type.Name!, null, null, "required", null);
                    }

                    if (model.Properties.Count == 0)
                    {
                        return new FacadeResultPlan(FacadeResultKind.None, "", null, null, "", null);
                    }

                    if (model.Properties.Count > 1)
                    {
                        return new FacadeResultPlan(FacadeResultKind.Whole, response.Type.Name!, null, null, "required", null);
                    }

                    var field = model.Properties[0];
                    var type = field.Type;
                    switch (type.Kind)
                    {
                        case UseKind.Array:
                            return new FacadeResultPlan(FacadeResultKind.Field, TypeCode.CsType(type), field.CsName, field.WireName, "empty-list", TypeCode.CsType(type.Item!));
                        case UseKind.Map:
                            return new FacadeResultPlan(FacadeResultKind.Field, TypeCode.CsType(type), field.CsName, field.WireName, "empty-map", TypeCode.CsType(type.Item!));
                        case UseKind.Int32:
                        case UseKind.Int64:
                        case UseKind.Double:
                        case UseKind.Boolean:
                            // proto3 JSON leaves default values out: a missing number is 0, a missing bool false.
                            return new FacadeResultPlan(FacadeResultKind.Field, TypeCode.CsType(type), field.CsName, field.WireName, "default", null);
                        case UseKind.String:
                        case UseKind.Model:
                        case UseKind.Bytes:
                            return new FacadeResultPlan(FacadeResultKind.Field, TypeCode.CsType(type), field.CsName, field.WireName, "required", null);
                        default:
                            return new FacadeResultPlan(FacadeResultKind.Field, TypeCode.CsType(type) + "?", field.CsName, field.WireName, "nullable", null);
                    }

                default:
                    return new FacadeResultPlan(FacadeResultKind.None, "", null, null, "", null);
            }
        }
    }
}
