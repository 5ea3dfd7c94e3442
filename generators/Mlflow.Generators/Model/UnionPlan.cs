using Mlflow.Generators.Helpers;

namespace Mlflow.Generators.Model
{
    // What the webhook union emitter writes into Mlflow.Webhooks, derived from a SpecDocument by Planning/UnionPlanner.
    // Plans name schemas and say what kind each field is; only the emitter renders C#.

    /// <summary>How a payload field is read and written (System.Text.Json, no Kiota).</summary>
    internal enum WebhookFieldKind
    {
        String,
        Int32,
        Int64,
        Double,
        Boolean,
        /// <summary>An object of string values (<c>tags</c>).</summary>
        StringMap,
        /// <summary>A string enum of the spec, read as an open enum (unknown values are kept).</summary>
        Enum,
        /// <summary>Anything else: kept as its JSON value.</summary>
        Json,
    }

    /// <summary>One field of a payload.</summary>
    /// <param name="WireName">The JSON name (<c>run_id</c>).</param>
    /// <param name="PropertyName">The C# property name (<c>RunId</c>).</param>
    /// <param name="Kind">How the value is read.</param>
    /// <param name="Required">The schema requires the field.</param>
    /// <param name="Nullable">The schema allows JSON null.</param>
    /// <param name="EnumSchema">For <see cref="WebhookFieldKind.Enum"/>: the enum schema's name.</param>
    /// <param name="Description">The schema's description of the field.</param>
    internal sealed record WebhookFieldPlan(string WireName, string PropertyName, WebhookFieldKind Kind, bool Required, bool Nullable, string? EnumSchema, string? Description);

    /// <summary>A payload type (the <c>data</c> of one event).</summary>
    /// <param name="SchemaName">The component schema, also the C# class name.</param>
    internal sealed record WebhookPayloadTypePlan(string SchemaName, string? Description, EquatableArray<WebhookFieldPlan> Fields, string? ExampleJson);

    /// <summary>A string enum used by payloads (emitted as an open enum struct).</summary>
    internal sealed record WebhookEnumPlan(string SchemaName, string? Description, EquatableArray<EnumMemberPlan> Members);

    /// <summary>One case of the webhook payload union.</summary>
    /// <param name="Entity">Wire entity (<c>model_version</c>).</param>
    /// <param name="Action">Wire action (<c>created</c>).</param>
    /// <param name="CaseName">The C# name of the case and of the <c>WebhookEvent</c> member (<c>ModelVersionCreated</c>).</param>
    /// <param name="PayloadSchema">The schema of the delivery's <c>data</c> (a <see cref="WebhookPayloadTypePlan"/> of the union).</param>
    /// <param name="Summary">The spec's summary of the event.</param>
    /// <param name="HasExample">True when the payload schema has an example.</param>
    internal sealed record WebhookCasePlan(string Entity, string Action, string CaseName, string PayloadSchema, string? Summary, bool HasExample);

    /// <summary>The whole union (in <see cref="GeneratedNamespaces.Webhooks"/>): events, payload types and their enums.</summary>
    internal sealed record UnionPlan(
        EquatableArray<WebhookCasePlan> Cases,
        EquatableArray<WebhookPayloadTypePlan> Payloads,
        EquatableArray<WebhookEnumPlan> Enums);
}

namespace Mlflow.Generators.Model
{
    /// <summary>The events and cases of the union (one file; unchanged when only a payload's fields or example change).</summary>
    internal sealed record UnionCasesPlan(EquatableArray<WebhookCasePlan> Cases);

    /// <summary>One payload type's file.</summary>
    internal sealed record WebhookPayloadFile(WebhookPayloadTypePlan Payload);

    /// <summary>One open enum's file.</summary>
    internal sealed record WebhookEnumFile(WebhookEnumPlan Enum);
}
