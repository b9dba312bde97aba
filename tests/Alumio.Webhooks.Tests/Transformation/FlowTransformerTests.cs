using System.Text.Json.Nodes;
using Alumio.Webhooks.Tests.Support;
using Alumio.Webhooks.Transformation;

namespace Alumio.Webhooks.Tests.Transformation;

public class FlowTransformerTests
{
    [Test]
    public async Task A_filter_lets_matching_entities_through()
    {
        (await new FilterTransformer(new EqualsCondition("type", "shipment")).RunAsync("""{"type":"shipment"}""")).Should().Be("""{"type":"shipment"}""");
    }

    [Test]
    public async Task A_filter_skips_others_with_the_condition_as_reason()
    {
        var result = await new FilterTransformer(new EqualsCondition("type", "shipment")).ResultAsync("""{"type":"return"}""");

        result.IsSkipped.Should().BeTrue();
        result.SkipReason.Should().Be("Filter condition not met: type equals \"shipment\"");
    }

    [Test]
    public async Task A_filter_whose_condition_cannot_be_asked_fails()
    {
        var act = async () => await new FilterTransformer(new EqualsCondition("a", "&{b}")).RunAsync("""{"a":1}""");

        (await act.Should().ThrowAsync<TransformerException>()).Which.Message
            .Should().Be("The condition a equals \"&{b}\" cannot be asked: The placeholder &{b} has no value in the entity.");
    }

    [Test]
    public async Task A_conditional_runs_then_or_else()
    {
        var conditional = new ConditionalTransformer(
            new EqualsCondition("carrier", "PostNL"),
            [new ValueSetterTransformer("service", "parcel"), new ValueSetterTransformer("label", "&{carrier} &{service}")],
            [new ValueSetterTransformer("service", "other")]);

        (await conditional.RunAsync("""{"carrier":"PostNL"}""")).Should().Be("""{"carrier":"PostNL","service":"parcel","label":"PostNL parcel"}""");
        (await conditional.RunAsync("""{"carrier":"DHL"}""")).Should().Be("""{"carrier":"DHL","service":"other"}""");
    }

    [Test]
    public async Task A_conditional_without_else_leaves_the_entity_and_passes_a_skip_on()
    {
        var conditional = new ConditionalTransformer(new ExistsCondition("cancelled"), [new FilterTransformer(new EqualsCondition("cancelled", "false"))]);

        (await conditional.RunAsync("""{"id":1}""")).Should().Be("""{"id":1}""");
        (await conditional.ResultAsync("""{"cancelled":true}""")).SkipReason.Should().Be("Filter condition not met: cancelled equals \"false\"");
    }

    [Test]
    public async Task A_chain_runs_in_order_and_a_merger_inside_replaces_the_entity()
    {
        var chain = new ChainTransformer([
            new MergerTransformer(new JsonObject { ["order"] = "&{orderId}" }),
            new ValueSetterTransformer("status", "done"),
        ]);

        (await chain.RunAsync("""{"orderId":"7","noise":1}""")).Should().Be("""{"order":"7","status":"done"}""");
    }

    [Test]
    public async Task Errors_inside_nested_transformers_say_where_they_came_from()
    {
        var conditional = new ConditionalTransformer(
            new ExistsCondition("carrier"),
            [new ChainTransformer([new ValueSetterTransformer("a", 1), new TypeSetterTransformer("carrier", EntityValueType.Int)])]);

        var act = async () => await new ChainTransformer([conditional]).RunAsync("""{"carrier":"PostNL"}""");

        var error = (await act.Should().ThrowAsync<TransformerException>()).Which;
        error.Path.Should().Be("carrier");
        error.Trail.Should().Be("Transformers 0 (conditional) > Then 0 (chain) > Transformers 1 (type-setter)");
    }

    [Test]
    public void A_brancher_is_allowed_only_directly_in_a_route()
    {
        FluentActions.Invoking(() => new ChainTransformer([new BrancherTransformer("lines")])).Should().Throw<ArgumentException>().WithMessage("Transformer 0 is a brancher*");
        FluentActions.Invoking(() => new ConditionalTransformer(new ExistsCondition("a"), [], [new BrancherTransformer("lines")])).Should().Throw<ArgumentException>();
    }

    [Test]
    public void A_brancher_splits_arrays_into_elements_and_keeps_objects_whole()
    {
        var entity = Entities.Parse("""{"lines":[{"sku":"A"},null,{"sku":"B"}],"orders":[{"lines":[1,2]},{"lines":{"x":3}}]}""");

        new BrancherTransformer("lines").Branch(entity).Select(branch => branch.ToJsonString()).Should().Equal("""{"sku":"A"}""", """{"sku":"B"}""");
        new BrancherTransformer("orders.*.lines").Branch(entity).Select(branch => branch.ToJsonString()).Should().Equal("1", "2", """{"x":3}""");
        new BrancherTransformer("missing").Branch(entity).Should().BeEmpty();
        entity["lines"]!.AsArray().Count.Should().Be(3, "branches are copies; the entity is unchanged");
    }

    [Test]
    public async Task A_brancher_outside_a_route_gives_its_branches_as_one_array()
    {
        (await new BrancherTransformer("lines").RunAsync("""{"lines":[1,2]}""")).Should().Be("[1,2]");
    }

    [Test]
    public async Task A_code_delegate_is_a_transformer()
    {
        var code = new DelegateEntityTransformer(entity =>
        {
            entity["n"] = entity["n"]!.GetValue<int>() + 1;
            return entity;
        });

        (await code.RunAsync("""{"n":1}""")).Should().Be("""{"n":2}""");
    }
}
