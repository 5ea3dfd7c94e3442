using System;
using System.Collections.Generic;
using Mlflow.Generators.Model;

namespace Mlflow.Generators.Planning
{
    /// <summary>Which component schemas the operations and the webhooks of a spec use (through refs, items and aliases).</summary>
    internal static class SchemaReach
    {
        /// <summary>
        /// The schemas only the spec's <c>webhooks</c> use (their envelopes, payloads and the enums of those): they
        /// belong to the webhook package, not to the client's models.
        /// </summary>
        public static HashSet<string> WebhookOnly(SpecDocument doc)
        {
            var byName = new Dictionary<string, SchemaSpec>(StringComparer.Ordinal);
            foreach (var s in doc.Schemas)
            {
                byName[s.Name] = s;
            }

            var fromHooks = new HashSet<string>(StringComparer.Ordinal);
            foreach (var hook in doc.Webhooks)
            {
                VisitOperation(hook.Operation, byName, fromHooks);
            }

            if (fromHooks.Count == 0)
            {
                return fromHooks;
            }

            var fromPaths = new HashSet<string>(StringComparer.Ordinal);
            foreach (var op in doc.Operations)
            {
                VisitOperation(op, byName, fromPaths);
            }

            fromHooks.ExceptWith(fromPaths);
            return fromHooks;
        }

        private static void VisitOperation(OperationSpec op, Dictionary<string, SchemaSpec> byName, HashSet<string> seen)
        {
            foreach (var p in op.Parameters)
            {
                Visit(p.Type, byName, seen);
            }

            if (op.RequestBody != null)
            {
                foreach (var m in op.RequestBody.Content)
                {
                    Visit(m.Type, byName, seen);
                }
            }

            foreach (var r in op.Responses)
            {
                foreach (var m in r.Content)
                {
                    Visit(m.Type, byName, seen);
                }
            }
        }

        private static void Visit(TypeSpec? type, Dictionary<string, SchemaSpec> byName, HashSet<string> seen)
        {
            if (type == null)
            {
                return;
            }

            if (type.Kind == TypeKind.Ref && type.RefName != null)
            {
                Add(type.RefName, byName, seen);
            }

            Visit(type.Item, byName, seen);
            foreach (var a in type.Alternatives)
            {
                Visit(a, byName, seen);
            }
        }

        private static void Add(string name, Dictionary<string, SchemaSpec> byName, HashSet<string> seen)
        {
            if (!seen.Add(name) || !byName.TryGetValue(name, out var schema))
            {
                return;
            }

            foreach (var p in schema.Properties)
            {
                Visit(p.Type, byName, seen);
            }

            Visit(schema.Alias, byName, seen);
        }
    }
}
