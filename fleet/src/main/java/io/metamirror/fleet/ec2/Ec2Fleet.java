package io.metamirror.fleet.ec2;

import io.metamirror.fleet.region.FleetInstance;
import io.metamirror.fleet.spec.LaunchSettings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * The fleet's instances of one region as EC2 holds them, the only state a region operation keeps
 * besides Route53. Every instance it launches carries the tags
 *
 * <pre>
 * metamirror:fleet=demo  metamirror:region=eu-west-1  metamirror:generation=2  metamirror:role=mirror
 * </pre>
 *
 * and only instances with all four are ever seen or terminated here. A launch is one RunInstances
 * call per instance with a client token of fleet, region, generation and slot, so a call retried
 * after a lost answer does not launch twice.
 */
public final class Ec2Fleet {
  public static final String REGION_TAG = "metamirror:region";
  public static final String GENERATION_TAG = "metamirror:generation";
  public static final String ROLE_TAG = "metamirror:role";
  public static final String ROLE = "mirror";

  private final String owner;
  private final Function<String, Ec2Client> clients;

  /**
   * @param clients builds the client of one region, e.g. {@link Ec2Clients#forRegion}; each is
   *     closed after use
   */
  public Ec2Fleet(String owner, Function<String, Ec2Client> clients) {
    this.owner = Objects.requireNonNull(owner, "owner");
    this.clients = Objects.requireNonNull(clients, "clients");
  }

  /** Every instance of the fleet in {@code region}, in any state; {@code warnings} gets the odd. */
  public List<FleetInstance> instances(String region, Consumer<String> warnings) {
    List<FleetInstance> out = new ArrayList<>();
    try (Ec2Client ec2 = clients.apply(region)) {
      ec2.describeInstancesPaginator(
              r ->
                  r.filters(
                      tagFilter(Ec2Discovery.FLEET_TAG, owner),
                      tagFilter(REGION_TAG, region),
                      tagFilter(ROLE_TAG, ROLE)))
          .reservations()
          .forEach(res -> res.instances().forEach(i -> add(i, region, out, warnings)));
    }
    return out;
  }

  /**
   * Launches {@code count} instances of {@code generation}; {@code firstSlot} numbers them (the
   * live instances the generation already has), so client tokens never repeat within it.
   *
   * @return the new instances' ids
   */
  public List<String> launch(
      String region,
      int generation,
      int firstSlot,
      int count,
      LaunchSettings launch,
      String userData) {
    List<Tag> tags =
        List.of(
            tag(Ec2Discovery.FLEET_TAG, owner),
            tag(REGION_TAG, region),
            tag(GENERATION_TAG, Integer.toString(generation)),
            tag(ROLE_TAG, ROLE));
    String encoded = Base64.getEncoder().encodeToString(userData.getBytes(StandardCharsets.UTF_8));
    List<String> ids = new ArrayList<>();
    try (Ec2Client ec2 = clients.apply(region)) {
      for (int i = 0; i < count; i++) {
        int slot = firstSlot + i;
        RunInstancesRequest.Builder r =
            RunInstancesRequest.builder()
                .imageId(launch.ami())
                .instanceType(launch.instanceType())
                .minCount(1)
                .maxCount(1)
                .userData(encoded)
                .clientToken(owner + "-" + region + "-g" + generation + "-" + slot)
                .tagSpecifications(
                    t -> t.resourceType(ResourceType.INSTANCE).tags(tags),
                    t -> t.resourceType(ResourceType.VOLUME).tags(tags));
        if (launch.subnetFor(slot) != null) {
          r.subnetId(launch.subnetFor(slot));
        }
        if (!launch.securityGroups().isEmpty()) {
          r.securityGroupIds(launch.securityGroups());
        }
        if (launch.instanceProfile() != null) {
          String p = launch.instanceProfile();
          r.iamInstanceProfile(p.startsWith("arn:") ? b -> b.arn(p) : b -> b.name(p));
        }
        ids.add(ec2.runInstances(r.build()).instances().get(0).instanceId());
      }
    }
    return ids;
  }

  /** Terminates {@code ids} (each node gets SIGTERM from the shutdown and drains). */
  public void terminate(String region, List<String> ids) {
    if (ids.isEmpty()) {
      return;
    }
    try (Ec2Client ec2 = clients.apply(region)) {
      ec2.terminateInstances(r -> r.instanceIds(ids));
    }
  }

  /** The user-data an instance was launched with, decoded; {@code null} without. */
  public String userData(String region, String instanceId) {
    try (Ec2Client ec2 = clients.apply(region)) {
      var v =
          ec2.describeInstanceAttribute(r -> r.instanceId(instanceId).attribute("userData"))
              .userData();
      return v == null || v.value() == null
          ? null
          : new String(Base64.getDecoder().decode(v.value()), StandardCharsets.UTF_8);
    }
  }

  private static void add(
      Instance i, String region, List<FleetInstance> out, Consumer<String> warnings) {
    String generation = null;
    for (Tag t : i.tags()) {
      if (t.key().equals(GENERATION_TAG)) {
        generation = t.value();
      }
    }
    int g;
    try {
      g = Integer.parseInt(generation);
    } catch (NumberFormatException e) {
      g = 0;
    }
    if (g < 1) {
      warnings.accept(
          "instance " + i.instanceId() + " has no usable " + GENERATION_TAG + " tag; ignored");
      return;
    }
    out.add(
        new FleetInstance(
            i.instanceId(),
            region,
            g,
            FleetInstance.State.of(i.state().nameAsString()),
            i.publicIpAddress(),
            Ec2Discovery.firstIpv6(i)));
  }

  private static Filter tagFilter(String key, String value) {
    return Filter.builder().name("tag:" + key).values(value).build();
  }

  private static Tag tag(String key, String value) {
    return Tag.builder().key(key).value(value).build();
  }
}
