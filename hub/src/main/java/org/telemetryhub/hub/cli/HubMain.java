package org.telemetryhub.hub.cli;


/** Entry point of {@code java -jar hub.jar}: runs the command line and exits with its code. */
public final class HubMain {

  private HubMain() {
  }

  public static void main(String[] args) {
    System.exit(HubCommand.run(args, System.getenv()));
  }
}
