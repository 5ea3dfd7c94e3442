using Mlflow.Generators.Helpers;

namespace Mlflow.Generators.Model
{
    // What the example emitter writes, derived from a SpecDocument and its ClientPlan by Planning/ExamplePlanner.

    /// <summary>A model whose schema carries an <c>example</c>, with the models and enums the example can reach.</summary>
    internal sealed record ExamplePlan(string SchemaName, string ExampleJson, ModelPlan Model, EquatableArray<ModelPlan> Related, EquatableArray<EnumPlan> Enums);
}
