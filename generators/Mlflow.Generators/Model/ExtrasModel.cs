using Mlflow.Generators.Helpers;

namespace Mlflow.Generators.Model
{
    // What the union, example and facade emitters write, derived from a SpecDocument and its ClientPlan by
    // Planning/ExtrasPlanner. Value-equatable, like the Kiota plans.

    /// <summary>A model whose schema carries an <c>example</c>, with the models and enums the example can reach.</summary>
    internal sealed record ExamplePlan(string SchemaName, string ExampleJson, ModelPlan Model, EquatableArray<ModelPlan> Related, EquatableArray<EnumPlan> Enums);

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

    /// <summary>Where a facade parameter goes.</summary>
    internal enum FacadeTarget
    {
        Path,
        Query,
        Header,
        BodyField,
        WholeBody,
        Stream,
    }

    /// <summary>One parameter of a facade method.</summary>
    /// <param name="CsName">The parameter name.</param>
    /// <param name="CsType">Its C# type (nullable for optional ones).</param>
    /// <param name="Required">Required parameters come first and have no default.</param>
    /// <param name="Target">Where the value goes.</param>
    /// <param name="WireName">The spec name (field, query or path parameter, header).</param>
    /// <param name="Member">The Kiota member set from it: template variable (path), query property, body property.</param>
    /// <param name="Conversion">How the value is converted for the member: "", "list", "array", "dict".</param>
    /// <param name="Description">The spec's description.</param>
    internal sealed record FacadeParameterPlan(string CsName, string CsType, bool Required, FacadeTarget Target, string WireName, string Member, string Conversion, string? Description);

    /// <summary>How a facade method turns the Kiota answer into its result.</summary>
    internal enum FacadeResultKind
    {
        /// <summary>Nothing is returned (no body, or an empty response message).</summary>
        None,
        /// <summary>The response model itself (several fields).</summary>
        Whole,
        /// <summary>The single field of the response model.</summary>
        Field,
        /// <summary>A list answer.</summary>
        Collection,
        /// <summary>Untyped JSON.</summary>
        Untyped,
        /// <summary>Raw bytes.</summary>
        Stream,
    }

    /// <summary>The result of a facade method.</summary>
    /// <param name="Kind">The shape.</param>
    /// <param name="Type">The returned C# type (without Task).</param>
    /// <param name="Field">For <see cref="FacadeResultKind.Field"/>: the property of the response model.</param>
    /// <param name="FieldWire">Its wire name (for messages).</param>
    /// <param name="Fallback">"required" (throw when missing), "empty-list", "empty-map", "default" (proto3 default), "nullable".</param>
    /// <param name="ElementType">For lists and maps: the element type.</param>
    internal sealed record FacadeResultPlan(FacadeResultKind Kind, string Type, string? Field, string? FieldWire, string Fallback, string? ElementType);

    /// <summary>Paging of a facade method (from <c>x-mlflow-pagination</c>).</summary>
    /// <param name="ItemType">The element type.</param>
    /// <param name="ItemsMember">The response property holding the page's items.</param>
    /// <param name="NextTokenMember">The response property holding the next token.</param>
    /// <param name="TokenParameter">The facade parameter carrying the page token (only on the page method).</param>
    /// <param name="MaxResultsParameter">The facade parameter carrying the page size, if any.</param>
    /// <param name="DefaultMaxResults">A page size always sent when the caller gives none (null: send nothing).</param>
    internal sealed record FacadePagingPlan(string ItemType, string ItemsMember, string NextTokenMember, string TokenParameter, string? MaxResultsParameter, string? DefaultMaxResults);

    /// <summary>One facade method (two for a paged operation: the page method and the async sequence).</summary>
    internal sealed record FacadeMethodPlan(
        string Name,
        string OperationId,
        string HttpMethod,
        string Path,
        string? Summary,
        bool Deprecated,
        string BuilderFullName,
        bool BuilderIsRoot,
        string BuilderMethod,
        string? BodyType,
        EquatableArray<FacadeParameterPlan> Parameters,
        FacadeResultPlan Result,
        FacadePagingPlan? Paging);

    /// <summary>The facade methods of one tag (one file).</summary>
    internal sealed record FacadeFilePlan(string Namespace, string ClassName, string Tag, EquatableArray<FacadeMethodPlan> Methods);

    /// <summary>An operation the facade does not wrap, and why (listed in the generated facade support file).</summary>
    internal sealed record FacadeSkipPlan(string OperationId, string Reason);

    /// <summary>Facade-wide values: the class, <c>Page&lt;T&gt;</c>, helpers and the skipped operations.</summary>
    internal sealed record FacadeSupportPlan(string Namespace, string ClassName, int OperationCount, int MethodCount, EquatableArray<string> Wrapped, EquatableArray<FacadeSkipPlan> Skipped);

    /// <summary>Everything the facade emitter writes.</summary>
    internal sealed record FacadePlan(FacadeSupportPlan Support, EquatableArray<FacadeFilePlan> Files);
}
