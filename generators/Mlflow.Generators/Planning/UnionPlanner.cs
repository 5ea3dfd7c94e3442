using System;
using System.Collections.Generic;
using System.Linq;
using Mlflow.Generators.Helpers;
using Mlflow.Generators.Model;

namespace Mlflow.Generators.Planning
{
    /// <summary>
    /// Plans the webhook payload union: one case per entry of the spec's top-level <c>webhooks</c> whose envelope's
    /// <c>data</c> is an object schema, the payload type of each (fields typed from the schema) and the string enums
    /// those payloads use. Independent of the client's Kiota plan: the union is generated into Mlflow.Webhooks.
    /// </summary>
    internal static class UnionPlanner
    {
        private static readonly string[] PayloadMembers = { "AdditionalData", "ToJson", "WriteTo", "TryRead", "Example", "Equals", "GetHashCode", "ToString", "GetType" };

        public static UnionPlan? Plan(SpecDocument doc)
        {
            if (doc.Webhooks.Count == 0)
            {
                return null;
            }

            var schemas = doc.Schemas.GroupBy(s => s.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            var cases = new List<WebhookCasePlan>();
            var payloads = new List<WebhookPayloadTypePlan>();
            var enums = new List<WebhookEnumPlan>();
            var planned = new HashSet<string>(StringComparer.Ordinal);
            var taken = new HashSet<string>(StringComparer.Ordinal) { "Event", "Timestamp", "Workspace", "Match", "Switch", "Parse", "TryParse", "TypeFor", "CaseTypeFor", "ExampleFor", "ToJson", "DataModel", "All" };
            foreach (var hook in doc.Webhooks)
            {
                var op = hook.Operation;
                var dot = hook.Key.IndexOf('.');
                var entity = op.MlflowExtensions.WebhookEntity ?? (dot > 0 ? hook.Key.Substring(0, dot) : hook.Key);
                var action = op.MlflowExtensions.WebhookAction ?? (dot > 0 ? hook.Key.Substring(dot + 1) : "");
                var envelope = op.RequestBody?.Content.FirstOrDefault(c => c.MediaType.StartsWith("application/json", StringComparison.Ordinal))?.Type;
                if (envelope?.Kind != TypeKind.Ref || !schemas.TryGetValue(envelope.RefName!, out var envelopeSchema))
                {
                    continue;
                }

                var data = envelopeSchema.Properties.FirstOrDefault(p => p.Name == "data")?.Type;
                if (data?.Kind != TypeKind.Ref || !schemas.TryGetValue(data.RefName!, out var payload) || payload.Kind != SchemaKind.Object)
                {
                    continue;
                }

                if (planned.Add(payload.Name))
                {
                    payloads.Add(PlanPayload(payload, schemas, enums, planned));
                }

                var caseName = Identifiers.Unique(Identifiers.Pascal(entity) + Identifiers.Pascal(action), taken);
                cases.Add(new WebhookCasePlan(entity, action, caseName, payload.Name, op.Summary, payload.ExampleJson != null));
            }

            return cases.Count == 0 ? null : new UnionPlan(cases.ToEquatableArray(), payloads.ToEquatableArray(), enums.ToEquatableArray());
        }

        private static WebhookPayloadTypePlan PlanPayload(SchemaSpec schema, Dictionary<string, SchemaSpec> schemas, List<WebhookEnumPlan> enums, HashSet<string> planned)
        {
            var taken = new HashSet<string>(PayloadMembers, StringComparer.Ordinal) { schema.Name };
            var fields = new List<WebhookFieldPlan>();
            foreach (var p in schema.Properties)
            {
                var name = Identifiers.Unique(Identifiers.Pascal(p.Name, "P"), taken);
                var (kind, enumSchema) = KindOf(p.Type, schemas);
                if (enumSchema != null && planned.Add(enumSchema.Name))
                {
                    var memberNames = new HashSet<string>(StringComparer.Ordinal) { "Value", "IsKnown", "Known", "Equals", "GetHashCode", "ToString" };
                    var members = enumSchema.EnumValues.Select(v => new EnumMemberPlan(v, Identifiers.Unique(Identifiers.Pascal(v, "Value"), memberNames))).ToEquatableArray();
                    enums.Add(new WebhookEnumPlan(enumSchema.Name, enumSchema.Description, members));
                }

                fields.Add(new WebhookFieldPlan(p.Name, name, kind, p.Required, p.Type.Nullable, enumSchema?.Name, p.Description));
            }

            return new WebhookPayloadTypePlan(schema.Name, schema.Description, fields.ToEquatableArray(), schema.ExampleJson);
        }

        private static (WebhookFieldKind Kind, SchemaSpec? Enum) KindOf(TypeSpec type, Dictionary<string, SchemaSpec> schemas)
        {
            switch (type.Kind)
            {
                case TypeKind.String:
                    return (WebhookFieldKind.String, null);
                case TypeKind.Int32:
                    return (WebhookFieldKind.Int32, null);
                case TypeKind.Int64:
                    return (WebhookFieldKind.Int64, null);
                case TypeKind.Double:
                case TypeKind.Float:
                    return (WebhookFieldKind.Double, null);
                case TypeKind.Boolean:
                    return (WebhookFieldKind.Boolean, null);
                case TypeKind.Map when type.Item?.Kind == TypeKind.String:
                    return (WebhookFieldKind.StringMap, null);
                case TypeKind.Ref when type.RefName != null && schemas.TryGetValue(type.RefName, out var target):
                    if (target.Kind == SchemaKind.Enum)
                    {
                        return (WebhookFieldKind.Enum, target);
                    }

                    return target.Kind == SchemaKind.Alias && target.Alias != null && target.Alias.Kind != TypeKind.Ref
                        ? KindOf(target.Alias, schemas)
                        : (WebhookFieldKind.Json, null);
                default:
                    return (WebhookFieldKind.Json, null);
            }
        }
    }
}
