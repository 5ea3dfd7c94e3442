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
    /// Plans the webhook payload union: one case per entry of the spec's top-level <c>webhooks</c> whose envelope's
    /// <c>data</c> is a model of the Kiota plan.
    /// </summary>
    internal static class UnionPlanner
    {
        public static UnionPlan? Plan(SpecDocument doc, ClientPlan plan, string unionNamespace)
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

        private static string FullName(ModelPlan m) => "global::" + m.Namespace + "." + m.ClassName;
    }
}
