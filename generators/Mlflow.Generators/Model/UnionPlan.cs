using Mlflow.Generators.Helpers;

namespace Mlflow.Generators.Model
{
    // What the webhook union emitter writes, derived from a SpecDocument and its ClientPlan by Planning/UnionPlanner.

    /// <summary>One case of the webhook payload union.</summary>
    /// <param name="Entity">Wire entity (<c>model_version</c>).</param>
    /// <param name="Action">Wire action (<c>created</c>).</param>
    /// <param name="CaseName">The C# name of the case and of the <c>WebhookEvent</c> member (<c>ModelVersionCreated</c>).</param>
    /// <param name="PayloadType">The fully qualified model of the delivery's <c>data</c>.</param>
    /// <param name="Summary">The spec's summary of the event.</param>
    /// <param name="HasExample">True when the payload model has an <c>Example()</c>.</param>
    /// <param name="RequiredFields">The payload schema's required fields (checked for presence when reading).</param>
    internal sealed record WebhookCasePlan(string Entity, string Action, string CaseName, string PayloadType, string? Summary, bool HasExample, EquatableArray<string> RequiredFields);

    /// <summary>The whole union (one file).</summary>
    internal sealed record UnionPlan(string Namespace, EquatableArray<WebhookCasePlan> Cases);
}
