#!/usr/bin/perl
# inject.pl HOST PORT RECIPIENT PREFIX COUNT SESSIONS
# Hands COUNT messages to an SMTP server over SESSIONS connections, one after the other. Message n has
# the subject and Message-ID PREFIX-nnn, so the receiving side can count each exactly once.
use strict;
use warnings;
use Net::SMTP;
use POSIX qw(strftime);

my ($host, $port, $rcpt, $prefix, $count, $sessions) = @ARGV;
die "usage: inject.pl HOST PORT RECIPIENT PREFIX COUNT SESSIONS\n" unless defined $sessions;
my $per_session = int(($count + $sessions - 1) / $sessions);
my $sent = 0;
for my $session (1 .. $sessions) {
    my $smtp = Net::SMTP->new($host, Port => $port, Hello => 'injector.corp.test', Timeout => 30)
        or die "session $session: cannot connect to $host:$port: $@\n";
    for (1 .. $per_session) {
        last if $sent >= $count;
        my $id = sprintf('%s-%03d', $prefix, $sent + 1);
        my $date = strftime('%a, %d %b %Y %H:%M:%S +0000', gmtime);
        $smtp->mail('sender@corp.test') or die "$id: MAIL FROM refused: " . $smtp->message;
        $smtp->to($rcpt) or die "$id: RCPT TO refused: " . $smtp->message;
        $smtp->data or die "$id: DATA refused: " . $smtp->message;
        $smtp->datasend("From: <sender\@corp.test>\nTo: <$rcpt>\nSubject: $id\nMessage-ID: <$id\@corp.test>\nDate: $date\n\nMessage $id of $count.\n");
        $smtp->dataend or die "$id: message refused: " . $smtp->message;
        $sent++;
    }
    $smtp->quit;
}
print "injected $sent messages over $sessions sessions\n";
