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
    /// Plans the example factories: one per object schema of the spec carrying an <c>example</c>, with the models and
    /// enums the example can reach (from the Kiota plan).
    /// </summary>
    internal static class ExamplePlanner
    {
        public static EquatableArray<ExamplePlan> Plan(SpecDocument doc, ClientPlan plan)
        {
            // Models and enums are keyed by schema name (their class name).
            var models = plan.Models.GroupBy(m => m.ClassName, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            var enums = plan.Enums.ToDictionary(e => e.Name, StringComparer.Ordinal);
            var result = new List<ExamplePlan>();
            foreach (var schema in doc.Schemas)
            {
                if (schema.Kind != SchemaKind.Object || schema.ExampleJson == null || !models.TryGetValue(schema.Name, out var model))
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
            if (relatedModels.ContainsKey(model.ClassName))
            {
                return;
            }

            relatedModels[model.ClassName] = model;
            foreach (var property in model.Properties)
            {
                var type = property.Type;
                while (type.Item != null)
                {
                    type = type.Item;
                }

                if (type.Kind == UseKind.Model && models.TryGetValue(type.Schema!, out var nested))
                {
                    Collect(nested, models, enums, relatedModels, relatedEnums);
                }
                else if (type.Kind == UseKind.Enum && enums.TryGetValue(type.Schema!, out var e))
                {
                    relatedEnums[type.Schema!] = e;
                }
            }
        }
    }
}
